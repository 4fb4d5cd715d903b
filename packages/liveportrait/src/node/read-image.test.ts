import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { InvalidInputError, inputLimits } from '@joyvasa/core';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage } from './read-image.js';

/** A 40x30 image of four solid quadrants, so orientation is easy to see after lossy coding. */
function quadrants(width = 40, height = 30): Buffer {
  const colours = [
    [250, 10, 10],
    [10, 250, 10],
    [10, 10, 250],
    [250, 250, 10],
  ];
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data.set(colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!, (y * width + x) * 3);
  }
  return data;
}

/** A PNG bomb: the header of a `width` x `height` gray image and a few rows of data, a few hundred bytes. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const rows = chunk('IDAT', deflateSync(Buffer.alloc(4 * (width + 1))));
  return Buffer.concat([signature, chunk('IHDR', header), rows, chunk('IEND', Buffer.alloc(0))]);
}

/** A 16-bit grayscale PNG built by hand (sharp's writer is not used, so the reader is tested on its own). */
function gray16Png(values: number[], width: number): Buffer {
  const height = values.length / width;
  const rows = Buffer.alloc(height * (1 + 2 * width));
  values.forEach((v, i) => {
    rows.writeUInt16BE(v, Math.floor(i / width) * (1 + 2 * width) + 1 + 2 * (i % width));
  });
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = (body.reduce((c, x) => table[(c ^ x) & 0xff]! ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
    const out = Buffer.alloc(8 + body.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc, 4 + body.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([16, 0, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pixel = (image: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
const near = (actual: number[], expected: number[]) =>
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(12);
  });

describe('readImage', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'joyvasa-read-image-'));
  afterAll(() => rm(folder, { recursive: true, force: true }));
  const raw = { raw: { width: 40, height: 30, channels: 3 as const } };

  it('decodes PNG exactly and JPEG, WebP, GIF and TIFF closely, from a path or bytes', async () => {
    const png = await sharp(quadrants(), raw).png().toBuffer();
    const path = join(folder, 'q.png');
    await writeFile(path, png);
    const fromPath = await readImage(path);
    expect([fromPath.width, fromPath.height, fromPath.channels]).toEqual([40, 30, 3]);
    expect(Buffer.compare(Buffer.from(fromPath.data), quadrants())).toBe(0);
    for (const encode of [
      (s: Sharp) => s.jpeg({ quality: 95 }),
      (s: Sharp) => s.webp(),
      (s: Sharp) => s.gif(),
      (s: Sharp) => s.tiff(),
    ]) {
      const image = await readImage(new Uint8Array(await encode(sharp(quadrants(), raw)).toBuffer()));
      near(pixel(image, 5, 5), [250, 10, 10]);
      near(pixel(image, 35, 25), [250, 250, 10]);
    }
  });

  it('applies EXIF orientation as imread does', async () => {
    // Orientation 6: the stored image must be turned 90° clockwise to display.
    const jpeg = await sharp(quadrants(), raw)
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await readImage(jpeg);
    expect([image.width, image.height]).toEqual([30, 40]);
    near(pixel(image, 25, 5), [250, 10, 10]); // stored top-left is now top-right
    near(pixel(image, 5, 35), [250, 250, 10]); // stored bottom-right is now bottom-left
  });

  it('turns grayscale into three equal channels, drops alpha without blending, keeps 16-bit high bytes', async () => {
    const gray = await sharp(Buffer.alloc(20 * 20, 77), { raw: { width: 20, height: 20, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect(pixel(await readImage(gray), 3, 3)).toEqual([77, 77, 77]);
    const rgba = Buffer.alloc(20 * 20 * 4);
    for (let i = 0; i < 400; i++) rgba.set([200, 100, 50, i % 2 === 0 ? 0 : 128], 4 * i);
    const transparent = await readImage(
      await sharp(rgba, { raw: { width: 20, height: 20, channels: 4 } })
        .png()
        .toBuffer(),
    );
    expect(pixel(transparent, 0, 0)).toEqual([200, 100, 50]);
    expect(pixel(transparent, 1, 0)).toEqual([200, 100, 50]);
    const values = Array.from({ length: 16 * 16 }, (_, i) => [0x7fff, 0x80ff, 65535, 255, 256, 0][i % 6]!);
    const deep = await readImage(gray16Png(values, 16));
    expect([0, 1, 2, 3, 4, 5].map((i) => deep.data[3 * i])).toEqual([127, 128, 255, 0, 1, 0]);
  });

  it('rejects missing, empty, corrupt, truncated and wrongly sized images with InvalidInputError', async () => {
    const jpeg = await sharp(quadrants(), raw).jpeg().toBuffer();
    const cases: [unknown, RegExp][] = [
      [join(folder, 'missing.png'), /no such file/],
      [new Uint8Array(0), /empty/],
      [new TextEncoder().encode('hello, not an image'), /not an image sharp can decode/],
      [jpeg.subarray(0, jpeg.length / 2), /not an image sharp can decode/],
      [
        await sharp(quadrants(8, 8), { raw: { width: 8, height: 8, channels: 3 } })
          .png()
          .toBuffer(),
        /8x8 is too small/,
      ],
      [
        await sharp({ create: { width: 16400, height: 16, channels: 3, background: 'red' } })
          .png()
          .toBuffer(),
        /16400x16 is too large/,
      ],
      [
        pngHeaderOnly(20000, 20000),
        /20000x20000 is too large; scale it to at most 16384 pixels a side first/,
      ],
      [42, /file path/],
    ];
    for (const [input, message] of cases) {
      const error = await readImage(input as never).catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(error), String(message)).toBe(true);
      expect(String(error)).toMatch(message);
    }
  });

  // Each used to hang in open() (FIFO), read until memory ran out (/dev/zero) or read 1.9 GB (sparse PNG).
  it('refuses a FIFO, a link to /dev/zero and an oversized file before reading them', async () => {
    const fifo = join(folder, 'fifo.png');
    execFileSync('mkfifo', [fifo]);
    const zero = join(folder, 'zero.png');
    await symlink('/dev/zero', zero);
    const sparse = join(folder, 'sparse.png');
    await writeFile(sparse, pngHeaderOnly(64, 64));
    await truncate(sparse, inputLimits.imageMaxFileBytes + 1);
    const cases: [string, RegExp][] = [
      [fifo, /named pipe \(FIFO\), not a regular file/],
      [zero, /character device/],
      [sparse, /above the limit of 268435456 \(imageMaxFileBytes\)/],
    ];
    for (const [path, message] of cases) {
      const error = await readImage(path).catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(error), String(message)).toBe(true);
      expect(String(error)).toMatch(message);
    }
  });
});
