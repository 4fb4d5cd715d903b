import { deflateSync } from 'node:zlib';
import { InvalidInputError } from '@joyvasa/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodePng } from './decode-png.js';
import { loadMaskTemplate, maskTemplatePng } from './mask-template.js';

const pixels = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 37 + (i >> 7) * 11) % 256);

/** A hand-built PNG (unfiltered rows), for headers sharp would not write. */
function handPng(width: number, height: number, depth: number, colour: number, body: Uint8Array): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) =>
    (b.reduce((c, x) => crcTable[(c ^ x) & 0xff]! ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    out.set(data, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, colour, 0, 0, 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(body)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('decodePng', () => {
  it('decodes the embedded mask template exactly as sharp (libpng) does', async () => {
    const mask = await loadMaskTemplate();
    expect([mask.width, mask.height, mask.channels]).toEqual([512, 512, 1]);
    expect(maskTemplatePng().length).toBe(3470);
    const reference = await sharp(maskTemplatePng()).extractChannel(0).raw().toBuffer();
    expect(Buffer.compare(Buffer.from(mask.data), reference)).toBe(0);
    expect(mask.data[256 * 512 + 256]).toBe(255);
    expect(mask.data[0]).toBe(0);
  });

  it('decodes gray, RGB, gray+alpha and RGBA written with every filter type', async () => {
    const [width, height] = [37, 23];
    for (const channels of [1, 2, 3, 4] as const) {
      const source = pixels(width * height * channels);
      const raw = sharp(source, { raw: { width, height, channels } });
      // sharp writes one- and two-channel raw input as RGB unless told it is grayscale.
      const png = await (channels < 3 ? raw.toColourspace('b-w') : raw)
        .png({ adaptiveFiltering: true, compressionLevel: 9 })
        .toBuffer();
      expect(png[25], 'PNG colour type').toBe({ 1: 0, 2: 4, 3: 2, 4: 6 }[channels]);
      const decoded = await decodePng(png);
      const kept = channels === 2 ? 1 : channels === 4 ? 3 : channels;
      expect([decoded.width, decoded.height, decoded.channels]).toEqual([width, height, kept]);
      const expected = Uint8Array.from(
        { length: width * height * kept },
        (_, i) => source[Math.floor(i / kept) * channels + (i % kept)]!,
      );
      expect(Buffer.compare(Buffer.from(decoded.data), Buffer.from(expected)), `${channels} channels`).toBe(
        0,
      );
    }
  });

  it('rejects corrupt, truncated and unsupported files with InvalidInputError', async () => {
    const good = handPng(
      4,
      2,
      8,
      0,
      Uint8Array.from({ length: 10 }, (_, i) => (i % 5 === 0 ? 0 : i)),
    );
    expect(Array.from((await decodePng(good)).data)).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
    const flipped = Uint8Array.from(good);
    flipped[40] = flipped[40]! ^ 0xff;
    await expect(decodePng(flipped)).rejects.toThrow(/checksum|corrupt/);
    await expect(decodePng(good.subarray(0, good.length - 20))).rejects.toThrow(/truncated/);
    await expect(decodePng(new TextEncoder().encode('not a png at all'))).rejects.toThrow(/signature/);
    await expect(decodePng(handPng(2, 2, 16, 0, new Uint8Array(10)))).rejects.toThrow(/8-bit/);
    const palette = await sharp(pixels(48), { raw: { width: 4, height: 4, channels: 3 } })
      .png({ palette: true })
      .toBuffer();
    const error = await decodePng(palette).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    await expect(decodePng(handPng(4, 2, 8, 0, new Uint8Array(7)))).rejects.toThrow(/decompressed 7 bytes/);
    await expect(decodePng(handPng(2, 1, 8, 0, Uint8Array.of(9, 1, 2)))).rejects.toThrow(/filter type 9/);
  });
});
