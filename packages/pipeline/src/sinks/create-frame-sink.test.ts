import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createFrameSink, type FrameSinkHandlers } from './create-frame-sink.js';

const frame = (width: number, height: number, channels = 3) =>
  ({ width, height, channels, data: new Uint8Array(width * height * channels) }) as RgbImage;

function recording(overrides: Partial<FrameSinkHandlers> = {}) {
  const calls: string[] = [];
  const sink = createFrameSink({
    start: (info) => void calls.push(`start ${info.width}x${info.height}`),
    write: (_, index) => void calls.push(`write ${index}`),
    abort: () => void calls.push('abort'),
    ...overrides,
  });
  return { sink, calls };
}

describe('createFrameSink', () => {
  it('passes checked frames on in order and reports the count and duration', async () => {
    const { sink, calls } = recording({ files: () => ['a.png', 'b.png'] });
    await sink.start({ width: 2, height: 2, fps: 25 });
    await sink.write(frame(2, 2), 0);
    await sink.write(frame(2, 2), 1);
    expect(await sink.finish()).toEqual({ frameCount: 2, durationSeconds: 0.08, files: ['a.png', 'b.png'] });
    expect(calls).toEqual(['start 2x2', 'write 0', 'write 1']);
    await sink.abort();
    expect(calls).not.toContain('abort');
  });

  it('checks fps, order and size, with channels only for RGB-only sinks', async () => {
    const { sink } = recording();
    await expect(sink.start({ width: 2, height: 2, fps: 0 })).rejects.toThrow(/must be positive, got 0/);
    await sink.start({ width: 2, height: 2, fps: 25 });
    await expect(sink.write(frame(2, 2), 1)).rejects.toThrow(/expected frame 0, got 1/);
    await expect(sink.write(frame(3, 2), 0)).rejects.toThrow(/: is 3x2; the sink was started for 2x2$/);
    await sink.write(frame(2, 2, 4), 0);
    const rgb = recording({ rgbOnly: true }).sink;
    await rgb.start({ width: 2, height: 2, fps: 25 });
    await expect(rgb.write(frame(2, 2, 4), 0)).rejects.toThrow(
      /: is 2x2x4; the sink was started for 2x2 RGB$/,
    );
  });

  it('stays idle when start fails, and aborts once', async () => {
    let fail = true;
    const { sink, calls } = recording({
      start: () => {
        if (fail) throw new Error('no output');
      },
    });
    await expect(sink.start({ width: 2, height: 2, fps: 25 })).rejects.toThrow(/no output/);
    await expect(sink.write(frame(2, 2), 0)).rejects.toThrow(/the sink is idle/);
    fail = false;
    await sink.start({ width: 2, height: 2, fps: 25 });
    await sink.abort(new Error('stop'));
    await sink.abort();
    expect(calls).toEqual(['abort']);
    // After an abort every call rejects with its reason, as a WritableStream's do.
    await expect(sink.finish()).rejects.toThrow(/^stop$/);
  });
});
