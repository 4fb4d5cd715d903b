import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';
import { assertImage, type ImageLike } from '@joyvasa/core';

const deflateAsync = promisify(deflate);
const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** zlib level, 0 (store) to 9 (smallest). Default 6. */
  readonly level?: number;
}

/**
 * Encodes an 8-bit RGB or RGBA image as a PNG file (truecolour, non-interlaced). Each row takes the
 * PNG filter with the smallest sum of absolute differences, the usual heuristic; deflate runs on
 * libuv's thread pool, so the event loop stays free.
 */
export async function encodePng(image: ImageLike, options: EncodePngOptions = {}): Promise<Uint8Array> {
  assertImage('image', image);
  const { width, height, channels } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  // Bit depth 8; colour type 2 (RGB) or 6 (RGBA); deflate, adaptive filtering, no interlace.
  header.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
  const compressed = await deflateAsync(filterRows(image), { level: options.level ?? 6 });
  const parts = [Uint8Array.from(signature), chunk('IHDR', header), chunk('IDAT', compressed), chunk('IEND')];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function chunk(type: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  // The CRC covers the type and the body, not the length.
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Scanlines, each prefixed by its filter type byte. */
function filterRows(image: ImageLike): Uint8Array {
  const { width, height, channels, data } = image;
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  const candidate = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const target = y * (stride + 1);
    let best = Number.POSITIVE_INFINITY;
    for (let type = 0; type < 5; type++) {
      let cost = 0;
      for (let x = 0; x < stride; x++) {
        const left = x >= channels ? data[row + x - channels]! : 0;
        const up = y > 0 ? data[row - stride + x]! : 0;
        const upLeft = y > 0 && x >= channels ? data[row - stride + x - channels]! : 0;
        const predicted = predict(type, left, up, upLeft);
        const value = (data[row + x]! - predicted) & 0xff;
        candidate[x] = value;
        cost += value < 128 ? value : 256 - value;
      }
      if (cost < best) {
        best = cost;
        out[target] = type;
        out.set(candidate, target + 1);
      }
    }
  }
  return out;
}

function predict(type: number, left: number, up: number, upLeft: number): number {
  switch (type) {
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      return 0;
  }
}
