import { fileURLToPath } from 'node:url';
import { InvalidInputError, inputLimits, MissingDependencyError, type RgbImage } from '@joyvasa/core';
import { readRegularFile } from '@joyvasa/core/node';
import { imageSizeLimits } from '../image/image-size-limits.js';

type SharpModule = typeof import('sharp').default;

let sharpModule: Promise<SharpModule> | undefined;

async function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp')
    .then((module) => module.default)
    .catch((cause: unknown) => {
      sharpModule = undefined;
      throw new MissingDependencyError(
        'sharp',
        'readImage() decodes images with sharp; install it with `npm install sharp` (it ships prebuilt binaries)',
        { cause },
      );
    });
  return sharpModule;
}

async function readBytes(source: string | URL | Uint8Array | ArrayBuffer): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new InvalidInputError('image', 'expected a file path, a file URL, a Uint8Array or an ArrayBuffer');
  }
  if (source instanceof URL && source.protocol !== 'file:') {
    throw new InvalidInputError('image', `${source.href} is not a file: URL; fetch it and pass the bytes`);
  }
  const path = source instanceof URL ? fileURLToPath(source) : source;
  return readRegularFile(path, {
    maxBytes: inputLimits.imageMaxFileBytes,
    limitName: 'imageMaxFileBytes',
    refuse: (reason, cause) =>
      new InvalidInputError('image', `cannot read ${path}: ${reason}; pass a PNG, JPEG or WebP file`, {
        cause,
      }),
  });
}

/**
 * Decodes an image file in Node into an {@link RgbImage}, the way the official pipeline's OpenCV `imread`
 * sees it, using sharp (libvips): PNG, JPEG, WebP, GIF (first frame), TIFF, AVIF/HEIF and anything else
 * sharp decodes.
 *
 * - EXIF orientation is applied (as `imread` does); width and height are those after rotation.
 * - Grayscale becomes three equal channels; alpha is dropped without compositing (as `imread`).
 * - 16-bit samples keep their high byte (`v >> 8`, libpng's `strip_16`, as `imread`).
 * - Embedded ICC profiles are ignored (as `imread`), so pixel values are the file's own.
 *
 * `source` is a path, a file URL or the file's bytes. Throws {@link InvalidInputError} for a missing,
 * empty, corrupt, truncated or unsupported file and for sizes outside {@link imageSizeLimits}
 * (16 to 16384 pixels a side), and {@link MissingDependencyError} if sharp is not installed.
 *
 * JPEG decoders differ in IDCT and chroma upsampling, so pixels may differ by a few LSB from OpenCV's.
 */
export async function readImage(source: string | URL | Uint8Array | ArrayBuffer): Promise<RgbImage> {
  const bytes = await readBytes(source);
  if (bytes.length === 0) {
    throw new InvalidInputError('image', 'the file is empty; pass a PNG, JPEG or WebP image');
  }
  const sharp = await loadSharp();
  const limit = imageSizeLimits.max * imageSizeLimits.max;
  // The header is read without sharp's pixel limit, so an oversized image is named with its size and the
  // limit (sharp would only say "exceeds pixel limit"); the decode itself keeps the limit.
  const open = (limitInputPixels: number | false = limit) =>
    sharp(bytes, { autoOrient: true, ignoreIcc: true, limitInputPixels });
  let decoded: {
    data: Uint8Array;
    info: { width: number; height: number; channels: number; depth?: string };
  };
  try {
    const meta = await open(false).metadata();
    // autoOrient makes metadata report the displayed size; check it before paying for the decode.
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    imageSizeLimits.check(width ?? 0, height ?? 0);
    decoded = await open().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (cause) {
    if (InvalidInputError.isInstance(cause)) throw cause;
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new InvalidInputError(
      'image',
      `it is not an image sharp can decode (${detail}); pass an intact PNG, JPEG or WebP file`,
      { cause },
    );
  }
  const { width, height, channels } = decoded.info;
  imageSizeLimits.check(width, height);
  return { width, height, channels: 3, data: toRgb(decoded.data, width * height, channels) };
}

/** Interleaved 8-bit pixels of 1–4 channels (gray, gray+alpha, RGB, RGBA) as RGB. */
function toRgb(data: Uint8Array, pixels: number, channels: number): Uint8Array {
  if (channels < 1 || channels > 4 || data.length !== pixels * channels) {
    throw new InvalidInputError('image', `the decoder returned ${channels} channels in ${data.length} bytes`);
  }
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const rgb = new Uint8Array(pixels * 3);
  const gray = channels < 3;
  for (let i = 0, p = 0; i < pixels; i++, p += channels) {
    rgb[3 * i] = data[p]!;
    rgb[3 * i + 1] = data[gray ? p : p + 1]!;
    rgb[3 * i + 2] = data[gray ? p : p + 2]!;
  }
  return rgb;
}
