import { InvalidInputError, MissingDependencyError, type RgbImage } from '@joyvasa/core';
import type { GrayImage } from '../image/pixel-image.js';

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Channels per PNG colour type: grayscale, RGB, grayscale + alpha, RGBA (palette is not supported). */
const channelsOf: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Walks the chunks: the header and the concatenated image data. */
function readChunks(png: Uint8Array): { header: PngHeader; idat: Uint8Array } {
  const fail = (message: string): never => {
    throw new InvalidInputError('png', message);
  };
  if (png.length < 8 || signature.some((byte, i) => png[i] !== byte)) fail('not a PNG file (bad signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let header: PngHeader | undefined;
  const parts: Uint8Array[] = [];
  for (let at = 8; ; ) {
    if (at + 12 > png.length) fail('the file ends before the IEND chunk (truncated)');
    const length = view.getUint32(at);
    if (at + 12 + length > png.length) fail('a chunk runs past the end of the file (truncated)');
    const typed = png.subarray(at + 4, at + 8 + length);
    if (crc32(typed) !== view.getUint32(at + 8 + length))
      fail('a chunk checksum does not match (corrupt file)');
    const type = String.fromCharCode(...typed.subarray(0, 4));
    const body = typed.subarray(4);
    if (type === 'IHDR') {
      const [depth, colour, compression, filter, interlace] = body.subarray(8, 13);
      const channels = channelsOf[colour!];
      if (depth !== 8 || channels === undefined || compression !== 0 || filter !== 0 || interlace !== 0) {
        fail(
          `only 8-bit, non-interlaced gray/RGB(A) PNGs are supported (depth ${depth}, colour type ${colour}, interlace ${interlace})`,
        );
      }
      header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), channels: channels! };
    } else if (type === 'IDAT') {
      parts.push(body);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  if (!header || parts.length === 0) fail('missing IHDR or IDAT chunk');
  const { width, height } = header!;
  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    fail(`size ${width}x${height} is out of range`);
  const idat = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    idat.set(part, offset);
    offset += part.length;
  }
  return { header: header!, idat };
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new MissingDependencyError(
      'DecompressionStream',
      'decoding PNG needs Node >= 18 or a current browser',
    );
  }
  try {
    const stream = new Blob([data as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new InvalidInputError('png', 'the compressed image data is corrupt', { cause });
  }
}

/** Reverses PNG's per-row filters (None, Sub, Up, Average, Paeth) in place into `out`. */
function unfilter(raw: Uint8Array, { width, height, channels }: PngHeader, out: Uint8Array): void {
  const stride = width * channels;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[o + x - channels]! : 0;
      const b = y > 0 ? out[o - stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[o - stride + x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0)
        throw new InvalidInputError('png', `row ${y} has unknown filter type ${filter}`);
      out[o + x] = (row[x]! + predictor) & 0xff;
    }
  }
}

/**
 * A minimal PNG decoder for 8-bit, non-interlaced grayscale, RGB, grayscale+alpha and RGBA images, using
 * the platform's `DecompressionStream('deflate')`, so it runs in browsers and Node alike. Alpha is dropped:
 * grayscale decodes to a {@link GrayImage}, colour to an {@link RgbImage}. Chunk checksums are verified;
 * corrupt, truncated or unsupported files throw {@link InvalidInputError}.
 */
export async function decodePng(png: Uint8Array): Promise<GrayImage | RgbImage> {
  const { header, idat } = readChunks(png);
  const raw = await inflate(idat);
  const { width, height, channels } = header;
  if (raw.length !== height * (width * channels + 1)) {
    throw new InvalidInputError(
      'png',
      `decompressed ${raw.length} bytes, ${height * (width * channels + 1)} expected`,
    );
  }
  const pixels = new Uint8Array(width * height * channels);
  unfilter(raw, header, pixels);
  if (channels === 1 || channels === 3) {
    return { width, height, channels, data: pixels } as GrayImage | RgbImage;
  }
  const kept = channels - 1;
  const data = new Uint8Array(width * height * kept);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < kept; c++) data[i * kept + c] = pixels[i * channels + c]!;
  }
  return { width, height, channels: kept, data } as GrayImage | RgbImage;
}
