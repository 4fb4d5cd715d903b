import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { type ImageLike, InvalidInputError, OutputWriteError, type RgbImage } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from './encode-png.js';
import { createPngSequenceSink } from './png-sequence-sink.js';

/** A minimal PNG reader for 8-bit RGB/RGBA, written from the PNG specification, to check the encoder. */
function readPng(bytes: Uint8Array): ImageLike {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels: 3 | 4 = 3;
  const idat: Uint8Array[] = [];
  for (;;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length), `${type} CRC`).toBe(
      crc32(bytes.subarray(offset + 4, offset + 8 + length)),
    );
    offset += 12 + length;
    if (type === 'IHDR') {
      width = view.getUint32(16);
      height = view.getUint32(20);
      expect(body[8]).toBe(8);
      channels = body[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictors = [0, a, b, (a + b) >> 1, paeth];
      data[y * stride + x] = (raw[y * (stride + 1) + 1 + x]! + predictors[filter]!) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Smooth gradients (favouring Sub/Up/Paeth filters) beside noise (favouring None). */
function testImage(width: number, height: number, seed: number, channels: 3 | 4 = 3): ImageLike {
  const data = new Uint8Array(width * height * channels);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        state = (state * 1103515245 + 12345) >>> 0;
        const noisy = y > height / 2;
        data[(y * width + x) * channels + c] = noisy ? state >>> 24 : (x * 7 + y * 3 + c * 50 + seed) & 0xff;
      }
    }
  }
  return { width, height, channels, data };
}

describe('encodePng', () => {
  it('round-trips RGB and RGBA images exactly, through every row filter', async () => {
    for (const [width, height, channels] of [
      [1, 1, 3],
      [37, 23, 3],
      [64, 40, 4],
    ] as const) {
      const image = testImage(width, height, width, channels);
      const png = await encodePng(image);
      const decoded = readPng(png);
      expect(decoded).toMatchObject({ width, height, channels });
      expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
    }
  });

  it('decodes to the same pixels in ffmpeg', async () => {
    if (spawnSync('ffmpeg', ['-version']).status !== 0) {
      if (process.env.CI === 'true') throw new Error('ffmpeg must be installed on CI');
      return;
    }
    const image = testImage(37, 23, 5);
    const result = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-f', 'png_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { input: await encodePng(image) },
    );
    expect(result.status, result.stderr?.toString()).toBe(0);
    expect(Buffer.from(result.stdout).equals(Buffer.from(image.data))).toBe(true);
  });

  it('rejects malformed images', async () => {
    const bad = { width: 2, height: 2, channels: 3, data: new Uint8Array(5) } as RgbImage;
    await expect(encodePng(bad)).rejects.toThrow(InvalidInputError);
  });
});

describe('createPngSequenceSink', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joyvasa-png-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes numbered PNGs and returns them in frame order', async () => {
    const directory = join(dir, 'frames', 'nested');
    const sink = createPngSequenceSink({ directory, prefix: 'f_', digits: 3 });
    await sink.start({ width: 37, height: 23, fps: 25 });
    const frames = [0, 1, 2, 3, 4].map((i) => testImage(37, 23, i) as RgbImage);
    for (const [i, frame] of frames.entries()) await sink.write(frame, i);
    const result = await sink.finish();
    expect(result.frameCount).toBe(5);
    expect(result.durationSeconds).toBeCloseTo(0.2, 9);
    expect(result.files).toEqual(
      ['000', '001', '002', '003', '004'].map((n) => join(directory, `f_${n}.png`)),
    );
    result.files.forEach((file, i) => {
      expect(Buffer.from(readPng(readFileSync(file)).data).equals(Buffer.from(frames[i]!.data))).toBe(true);
    });
  });

  it('abort() deletes the frames written so far', async () => {
    const directory = join(dir, 'aborted');
    const sink = createPngSequenceSink({ directory });
    await sink.start({ width: 4, height: 4, fps: 25 });
    await sink.write(testImage(4, 4, 1) as RgbImage, 0);
    await sink.write(testImage(4, 4, 2) as RgbImage, 1);
    expect(readdirSync(directory)).toHaveLength(2);
    await sink.abort();
    expect(readdirSync(directory)).toEqual([]);
    await expect(sink.write(testImage(4, 4, 3) as RgbImage, 2)).rejects.toThrow(/aborted/);
  });

  it('rejects bad options, frames and call order', async () => {
    expect(() => createPngSequenceSink({ directory: '' })).toThrow(/directory/);
    expect(() => createPngSequenceSink({ directory: dir, prefix: '../x' })).toThrow(/prefix/);
    expect(() => createPngSequenceSink({ directory: dir, digits: 0 })).toThrow(/digits/);
    const sink = createPngSequenceSink({ directory: join(dir, 'checks') });
    await expect(sink.write(testImage(4, 4, 1) as RgbImage, 0)).rejects.toThrow(/idle/);
    await sink.start({ width: 4, height: 4, fps: 25 });
    await expect(sink.write(testImage(4, 5, 1) as RgbImage, 0)).rejects.toThrow(/4x5/);
    await expect(sink.write(testImage(4, 4, 1) as RgbImage, 3)).rejects.toThrow(/expected frame 0, got 3/);
    expect(existsSync(join(dir, 'checks', 'frame-00000.png'))).toBe(false);
  });

  // Each used to be an untyped EEXIST, a silent overwrite, or a truncated frame left behind.
  it("refuses a file in the folder's place, and a folder already holding frames unless overwrite", async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    for (const directory of [file, join(file, 'below')]) {
      const error = await createPngSequenceSink({ directory })
        .start({ width: 4, height: 4, fps: 25 })
        .catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
      expect(String(error)).toMatch(/is a file \(or lies under one\), not a folder/);
    }
    const used = join(dir, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'frame-00000.png'), 'precious');
    const error = await createPngSequenceSink({ directory: used })
      .start({ width: 4, height: 4, fps: 25 })
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(/frame-00000\.png exists; pass overwrite: true \(--force\)/);
    expect(readFileSync(join(used, 'frame-00000.png'), 'utf8')).toBe('precious');
    const sink = createPngSequenceSink({ directory: used, overwrite: true });
    await sink.start({ width: 4, height: 4, fps: 25 });
    await sink.write(testImage(4, 4, 1) as RgbImage, 0);
    expect(readFileSync(join(used, 'frame-00000.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('a frame that cannot be written is an OutputWriteError and leaves no partial frame', async () => {
    const directory = join(dir, 'blocked');
    const sink = createPngSequenceSink({ directory });
    await sink.start({ width: 4, height: 4, fps: 25 });
    mkdirSync(join(directory, 'frame-00000.png'));
    const error = await sink.write(testImage(4, 4, 1) as RgbImage, 0).catch((e: unknown) => e);
    expect(OutputWriteError.isInstance(error), String(error)).toBe(true);
    expect(readdirSync(directory)).toEqual(['frame-00000.png']);
  });
});
