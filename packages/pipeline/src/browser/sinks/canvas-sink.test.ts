import { InvalidInputError, MissingDependencyError, type RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createCanvasSink } from './canvas-sink.js';

/** A canvas with just the 2D calls the sink makes, recording what was drawn (Node has no canvas). */
function fakeCanvas(options: { context?: boolean } = {}) {
  const drawn: Uint8ClampedArray[] = [];
  let clears = 0;
  const context = {
    createImageData: (width: number, height: number) =>
      ({ width, height, data: new Uint8ClampedArray(width * height * 4) }) as ImageData,
    putImageData: (data: ImageData) => void drawn.push(data.data.slice()),
    clearRect: () => void clears++,
  };
  const canvas = {
    width: 300,
    height: 150,
    getContext: (kind: string) => (kind === '2d' && options.context !== false ? context : null),
  };
  return { canvas: canvas as unknown as OffscreenCanvas, drawn, clears: () => clears };
}

function frame(width: number, height: number, value: number): RgbImage {
  const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => (value + i) % 256);
  return { width, height, channels: 3, data };
}

describe('createCanvasSink', () => {
  it('sizes the canvas to the frames and draws each one as opaque RGBA', async () => {
    const { canvas, drawn } = fakeCanvas();
    const sink = createCanvasSink(canvas);
    await sink.start({ width: 4, height: 2, fps: 25 });
    expect([canvas.width, canvas.height]).toEqual([4, 2]);
    const frames = [frame(4, 2, 0), frame(4, 2, 100)];
    for (const [index, image] of frames.entries()) await sink.write(image, index);
    expect(drawn).toHaveLength(2);
    for (const [index, image] of frames.entries()) {
      const rgba = drawn[index]!;
      for (let p = 0; p < 8; p++) {
        expect([...rgba.subarray(p * 4, p * 4 + 4)]).toEqual([...image.data.subarray(p * 3, p * 3 + 3), 255]);
      }
    }
    expect(await sink.finish()).toEqual({ frameCount: 2, durationSeconds: 0.08, files: [] });
  });

  it('calls onFrame after each frame is drawn, also when pacing frames in real time', async () => {
    const { canvas, drawn } = fakeCanvas();
    const seen: Array<[number, number]> = [];
    const sink = createCanvasSink(canvas, {
      realTime: true,
      onFrame: (index) => seen.push([index, drawn.length]),
    });
    // 1000 fps: the pacing waits at most a millisecond.
    await sink.start({ width: 2, height: 2, fps: 1000 });
    await sink.write(frame(2, 2, 0), 0);
    await sink.write(frame(2, 2, 1), 1);
    expect(seen).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('rejects frames out of order, of another size, or outside start and finish', async () => {
    const { canvas } = fakeCanvas();
    const sink = createCanvasSink(canvas);
    await expect(sink.write(frame(2, 2, 0), 0)).rejects.toThrow(InvalidInputError);
    await sink.start({ width: 2, height: 2, fps: 25 });
    await expect(sink.write(frame(2, 2, 0), 1)).rejects.toThrow(/expected frame 0, got 1/);
    await expect(sink.write(frame(3, 2, 0), 0)).rejects.toThrow(/the sink was started for 2x2/);
    await sink.finish();
    await expect(sink.write(frame(2, 2, 0), 0)).rejects.toThrow(/sink is done/);
  });

  it('clears the canvas on abort, and refuses to finish after it', async () => {
    const { canvas, clears } = fakeCanvas();
    const sink = createCanvasSink(canvas);
    await sink.start({ width: 2, height: 2, fps: 25 });
    await sink.write(frame(2, 2, 0), 0);
    await sink.abort(new Error('stop'));
    await sink.abort();
    expect(clears()).toBe(1);
    await expect(sink.finish()).rejects.toThrow(/^stop$/);
  });

  it('says what is wrong with a canvas it cannot draw on', async () => {
    expect(() => createCanvasSink({} as OffscreenCanvas)).toThrow(InvalidInputError);
    const sink = createCanvasSink(fakeCanvas({ context: false }).canvas);
    const error = await sink.start({ width: 2, height: 2, fps: 25 }).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/another kind of context/);
  });
});
