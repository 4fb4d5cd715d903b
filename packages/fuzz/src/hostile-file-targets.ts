import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { inputLimits } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { readImage } from '@joyvasa/liveportrait/node';
import { readPickle } from '@joyvasa/model-builder/checkpoint';
import type { FuzzRng } from './fuzz-rng.js';
import { fuzzTarget } from './fuzz-target.js';

/** Allow-listed globals that copy their argument when called, each as the pickle names it. */
const copyingGlobals = [
  'collections\nOrderedDict',
  '__builtin__\nset',
  'builtins\nfrozenset',
  'builtins\ndict',
  'pathlib\nPosixPath',
];

/** BININT of `value` (4 bytes, little-endian). */
const binint = (value: number) => [
  0x4a,
  value & 0xff,
  (value >> 8) & 0xff,
  (value >> 16) & 0xff,
  value >>> 24,
];

/** The innermost argument a chain starts from: ints, pairs or strings, memoised and repeated or not. */
function chainSeed(rng: FuzzRng, items: number, global: string): number[] {
  const out = [0x5d, 0x28]; // EMPTY_LIST, MARK
  const memo = rng.chance(0.5);
  for (let i = 0; i < items; i++) {
    if (memo && i > 0)
      out.push(0x68, 1); // BINGET 1: the same item again, 2 bytes each
    else if (global.includes('ict')) out.push(...binint(i), ...binint(i), 0x86);
    else out.push(...binint(i));
    if (memo && i === 0) out.push(0x71, 1); // BINPUT 1
  }
  out.push(0x65); // APPENDS
  return out;
}

/** `g(g(…g(seed)…))`, `levels` deep, for a copying global `g`; the attack of issue 24's first defect. */
function reduceChain(rng: FuzzRng): Uint8Array {
  const global = rng.pick(copyingGlobals);
  const levels = 1 + rng.int(rng.chance(0.95) ? 30 : 2000);
  const items = rng.int(rng.chance(0.8) ? 50 : 8000);
  const head = [0x80, 2, 0x63, ...new TextEncoder().encode(`${global}\n`), 0x71, 0];
  const callables = Array.from({ length: levels - 1 }, () => [0x68, 0]).flat();
  const path = global.includes('Path');
  // A path joins the previous result with itself (DUP, TUPLE2) at every level, doubling its length.
  const calls = Array.from({ length: levels }, () => (path ? [0x32, 0x86, 0x52] : [0x85, 0x52])).flat();
  const seed = path ? [0x58, 4, 0, 0, 0, 0x61, 0x62, 0x63, 0x64] : chainSeed(rng, items, global);
  return Uint8Array.from([...head, ...callables, ...seed, ...calls, 0x2e]);
}

/** REDUCE chains of allow-listed globals that copy: each must end quickly, accepted or refused. */
export const reduceChainTarget = fuzzTarget<Uint8Array>({
  name: 'pickle-reduce-chain',
  generate: reduceChain,
  run: (bytes) => readPickle(bytes, { name: 'chain.pkl' }),
});

/** One hostile path: what it is, and the folder to remove after the case. */
interface HostilePath {
  readonly folder: string;
  readonly name: string;
  readonly reader: 'image' | 'audio' | 'bundle';
}

/** A WAV header (8 kHz mono 8-bit: 600 s is 4.8 MB) whose data size says `dataBytes`, whatever follows. */
function wavHeader(dataBytes: number): Uint8Array {
  const header = encodeWav([new Float32Array(0)], 8000, { format: 'uint8' }).slice(0, 44);
  new DataView(header.buffer).setUint32(40, dataBytes >>> 0, true);
  return header;
}

/** Makes a file that is not what its name or header says in `folder`: special files and lying sizes. */
function makeHostile(rng: FuzzRng, folder: string, name: string, reader: HostilePath['reader']): void {
  const path = join(folder, name);
  const kind = rng.int(7);
  if (kind === 0) execFileSync('mkfifo', [path]);
  else if (kind === 1) symlinkSync(rng.pick(['/dev/zero', '/dev/urandom', '/dev/null']), path);
  else if (kind === 2) symlinkSync(rng.pick([folder, join(folder, 'missing'), path]), path);
  else if (kind === 3) {
    // A sparse file just past its reader's limit: 256 MiB for an image, 2 GiB for any other file.
    writeFileSync(path, wavHeader(0xffffffff));
    const limit = reader === 'image' ? inputLimits.imageMaxFileBytes : inputLimits.fileMaxBytes;
    truncateSync(path, limit + 1);
  } else if (kind === 4) {
    // A WAV whose header states hours of audio over a few holes, or more than the file holds.
    writeFileSync(path, wavHeader(rng.pick([6 * 2 ** 20, 0xffffffff, 100])));
    truncateSync(path, 44 + rng.pick([0, 10, 6 * 2 ** 20]));
  } else writeFileSync(path, kind === 5 ? rng.bytes(rng.int(64)) : '');
}

/** Readers of paths (images, audio, bundle files) given FIFOs, devices, links and sparse giants. */
export const specialFileTarget = fuzzTarget<HostilePath>({
  name: 'special-files',
  generate(rng) {
    const folder = mkdtempSync(join(tmpdir(), 'joyvasa-fuzz-files-'));
    const reader = rng.pick(['image', 'audio', 'bundle'] as const);
    const name = { image: 'face.png', audio: 'speech.wav', bundle: 'stitching.onnx' }[reader];
    makeHostile(rng, folder, name, reader);
    return { folder, name, reader };
  },
  async run({ folder, name, reader }) {
    try {
      const path = join(folder, name);
      if (reader === 'image') return await readImage(path);
      if (reader === 'audio')
        return await decodeAudio(path, { sampleRate: 16000, ffmpegPath: join(folder, 'no-ffmpeg') });
      return await createDirectorySource(folder).read(name);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
});
