import { decodeWav, encodeWav } from '@joyvasa/audio-encoder';
import { createMemorySource, openModelBundle } from '@joyvasa/core';
import { sampleManifest } from '@joyvasa/core/testing';
import { readImage } from '@joyvasa/liveportrait/node';
import sharp from 'sharp';
import { parseHubListing } from '../../model-builder/src/node/hub-listing.js';
import type { FuzzRng } from './fuzz-rng.js';
import { fuzzTarget } from './fuzz-target.js';
import { mutateBytes } from './mutate-bytes.js';

const text = (value: string) => new TextEncoder().encode(value);
/** Values to put where a field was: wrong types, edge numbers, absurd sizes. */
const oddValues: readonly unknown[] = [
  null,
  -1,
  0,
  1e12,
  2 ** 53,
  'x',
  [],
  {},
  [1e12],
  true,
  '../../etc/passwd',
];

/** Replaces, deletes or duplicates one field somewhere in a JSON value. */
function bendJson(rng: FuzzRng, value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return rng.chance(0.3) ? rng.pick(oddValues) : value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  const keys = Object.keys(copy);
  if (keys.length === 0) return rng.pick(oddValues);
  const key = rng.pick(keys) as keyof typeof copy;
  const roll = rng.int(4);
  if (roll === 0 && !Array.isArray(copy)) delete copy[key];
  else if (roll === 1 || depth > 5) (copy as Record<string, unknown>)[key] = rng.pick(oddValues);
  else (copy as Record<string, unknown>)[key] = bendJson(rng, copy[key], depth + 1);
  return copy;
}

/** JSON text of a bent `value`, sometimes with its bytes mutated too. */
function jsonCase(rng: FuzzRng, value: unknown): Uint8Array {
  let bent = value;
  for (let i = rng.int(4); i > 0; i--) bent = bendJson(rng, bent);
  const bytes = text(JSON.stringify(bent));
  return rng.chance(0.3) ? mutateBytes(rng, bytes) : bytes;
}

/** The WAV decoder: files of every sample format, header fields set to edge values, byte mutations. */
export const wavTarget = fuzzTarget<Uint8Array>({
  name: 'wav',
  generate(rng) {
    const pcm = Float32Array.from({ length: rng.int(400) }, () => rng.next() * 2 - 1);
    const format = rng.pick(['int16', 'int24', 'int32', 'float32', 'uint8'] as const);
    const bytes = encodeWav(rng.chance(0.5) ? pcm : [pcm, pcm], 8000 + rng.int(40000), { format });
    if (rng.chance(0.5) && bytes.length >= 44) {
      // RIFF size, fmt size, format tag, channels, rate, byte rate, block align, bits, data size.
      const at = rng.pick([4, 16, 20, 22, 24, 28, 32, 34, 40]);
      const view = new DataView(bytes.buffer);
      const value = rng.pick([0, 1, 0xffff, 0xffffffff, 0x7fffffff, 3, 0xfffe]);
      if (at === 20 || at === 22 || at === 32 || at === 34) view.setUint16(at, value & 0xffff, true);
      else view.setUint32(at, value >>> 0, true);
      return bytes;
    }
    return rng.chance(0.8) ? mutateBytes(rng, bytes) : bytes;
  },
  run: (bytes) => decodeWav(bytes),
});

const validManifest = sampleManifest();

/** Bundle manifests, as `openModelBundle` reads them from a bundle's manifest.json. */
export const manifestTarget = fuzzTarget<Uint8Array>({
  name: 'manifest',
  generate: (rng) => jsonCase(rng, validManifest),
  run: (bytes) => openModelBundle(createMemorySource({ 'manifest.json': bytes })),
});

const validListing = [
  {
    type: 'file',
    path: 'a/model.pt',
    size: 3000,
    oid: 'a'.repeat(40),
    lfs: { oid: 'b'.repeat(64), size: 9 },
  },
  { type: 'file', path: 'README.md', size: 10, oid: 'c'.repeat(40) },
  { type: 'directory', path: 'a', size: 0, oid: 'd'.repeat(40) },
];

/** The Hugging Face tree listing parser. */
export const listingTarget = fuzzTarget<Uint8Array>({
  name: 'hub-listing',
  generate: (rng) => jsonCase(rng, validListing),
  run: (bytes) => parseHubListing(new TextDecoder().decode(bytes), 'http://127.0.0.1/api/models/x/tree/main'),
});

async function encodeSamples(): Promise<Uint8Array[]> {
  const raw = { raw: { width: 20, height: 18, channels: 3 as const } };
  const pixels = Buffer.from(Uint8Array.from({ length: 20 * 18 * 3 }, (_, i) => (i * 37) & 0xff));
  const buffers = await Promise.all([
    sharp(pixels, raw).png().toBuffer(),
    sharp(pixels, raw).jpeg({ quality: 80 }).toBuffer(),
    sharp(pixels, raw).jpeg({ progressive: true }).toBuffer(),
  ]);
  return buffers.map((buffer) => new Uint8Array(buffer));
}

/** Valid little images to mutate, made once per worker (sharp encodes them). */
let samples: Promise<Uint8Array[]> | undefined;
function imageSamples(): Promise<Uint8Array[]> {
  samples ??= encodeSamples();
  return samples;
}

/** A PNG's IHDR width and height set to edge values (the CRC is left stale half the time). */
function bentPngSize(rng: FuzzRng, png: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(png);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, rng.pick([0, 1, 15, 16384, 16385, 20000, 0x7fffffff, 0xffffffff]), false);
  view.setUint32(20, rng.pick([0, 1, 16, 4096, 20000, 0xffffffff]), false);
  return bytes;
}

/** `readImage` (sharp) on PNG and JPEG files: mutated bytes and bent sizes. */
export const imageTarget = fuzzTarget<Uint8Array>({
  name: 'image',
  async generate(rng) {
    const [png, ...jpegs] = await imageSamples();
    if (rng.chance(0.25)) return bentPngSize(rng, png!);
    return mutateBytes(rng, rng.chance(0.4) ? png! : rng.pick(jpegs));
  },
  run: (bytes) => readImage(bytes),
});
