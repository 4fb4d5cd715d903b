import { createTensor, type TensorLike } from '@joyvasa/core';
import {
  PickleGlobal,
  pickleTuple,
  readPickle,
  readSafetensors,
  readTorchCheckpoint,
} from '@joyvasa/model-builder/checkpoint';
import {
  type PickleWritable,
  pickleFloat,
  pickleOrderedDict,
  pickleReduce,
  writePickle,
  writeSafetensors,
  writeTorchCheckpoint,
} from '@joyvasa/model-builder/synthetic';
import { writeDeflatedZip } from '../../model-builder/test/deflated-zip.js';
import type { FuzzRng } from './fuzz-rng.js';
import { fuzzTarget } from './fuzz-target.js';
import { mutateBytes } from './mutate-bytes.js';

/** Globals the reader allows, refuses, or half-allows (markers), so both sides of the allow-list are hit. */
const globals = [
  ['collections', 'OrderedDict'],
  ['torch._utils', '_rebuild_tensor_v2'],
  ['torch', 'FloatStorage'],
  ['numpy.core.multiarray', '_reconstruct'],
  ['numpy', 'dtype'],
  ['argparse', 'Namespace'],
  ['os', 'system'],
  ['builtins', 'eval'],
  ['builtins', 'getattr'],
] as const;

function randomValue(rng: FuzzRng, depth = 0): PickleWritable {
  const leaf = depth > 3;
  switch (rng.int(leaf ? 6 : 10)) {
    case 0:
      return rng.int(2 ** 31) - 2 ** 30;
    case 1:
      return BigInt(rng.int(2 ** 31)) ** BigInt(1 + rng.int(6)) * (rng.chance(0.5) ? -1n : 1n);
    case 2:
      return String.fromCharCode(...rng.bytes(rng.int(20)));
    case 3:
      return rng.bytes(rng.int(40));
    case 4:
      return rng.pick([null, true, false]);
    case 5:
      return pickleFloat(rng.pick([0, -1.5, 1e308, Number.NaN, rng.next()]));
    case 6:
      return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
    case 7:
      return new Map(
        Array.from({ length: rng.int(4) }, () => [`k${rng.int(9)}`, randomValue(rng, depth + 1)]),
      );
    case 8:
      return pickleTuple(...Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1)));
    default: {
      const [module, name] = rng.pick(globals);
      const args = Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
      return pickleReduce(new PickleGlobal(module, name), args);
    }
  }
}

const pickleOpcodes = [
  ...'()NKJMI\x8a\x8bFGSTUVXBC\x8c\x8d\x8e\x94\x95.]}ltdseaRbcihjpgqr0123\x80\x81\x85\x86\x87\x88\x89\x90\x91\x93\x96QP',
];

/** Random opcodes with random little arguments: reaches the machine's stack, memo and mark handling. */
function opcodeSoup(rng: FuzzRng): Uint8Array {
  const out = [0x80, rng.pick([0, 2, 4, 5])];
  const count = rng.int(60);
  for (let i = 0; i < count; i++) {
    out.push(rng.pick(pickleOpcodes).charCodeAt(0));
    for (let j = rng.int(5); j > 0; j--) out.push(rng.chance(0.5) ? rng.int(8) : rng.int(256));
  }
  out.push(0x2e);
  return Uint8Array.from(out);
}

function randomTensor(rng: FuzzRng): TensorLike {
  const dims = Array.from({ length: rng.int(4) }, () => 1 + rng.int(4));
  const size = dims.reduce((a, b) => a * b, 1);
  return rng.chance(0.7)
    ? createTensor(
        'float32',
        dims,
        Float32Array.from({ length: size }, () => rng.next()),
      )
    : createTensor(
        'int64',
        dims,
        BigInt64Array.from({ length: size }, () => BigInt(rng.int(1000))),
      );
}

function randomStateDict(rng: FuzzRng): Map<string, TensorLike> {
  return new Map(Array.from({ length: 1 + rng.int(4) }, (_, i) => [`layer${i}.weight`, randomTensor(rng)]));
}

/** One long-argument opcode (LONG4, BINUNICODE, BINBYTES) with a payload of up to 300 kB: cost must stay linear. */
function longArgument(rng: FuzzRng): Uint8Array {
  const length = rng.pick([1000, 100_000, 300_000]);
  const out = new Uint8Array(8 + length);
  out.set([0x80, 0x04, rng.pick([0x8b, 0x58, 0x42]), length & 0xff, (length >> 8) & 0xff, length >> 16, 0]);
  out.fill(rng.pick([0x41, 0xff, 0x01]), 7, 7 + length);
  out[7 + length] = 0x2e;
  return out;
}

/** The pickle reader: written values, opcode soup, huge arguments, and byte mutations of them. */
export const pickleTarget = fuzzTarget<Uint8Array>({
  name: 'pickle',
  generate(rng) {
    if (rng.chance(0.05)) return longArgument(rng);
    const base = rng.chance(0.6) ? writePickle(randomValue(rng)) : opcodeSoup(rng);
    return rng.chance(0.7) ? mutateBytes(rng, base) : base;
  },
  run: (bytes) => readPickle(bytes, { name: 'fuzz.pkl' }),
});

/** The torch zip reader: checkpoints as torch lays them out, stored or deflated, then mutated. */
export const torchZipTarget = fuzzTarget<Uint8Array>({
  name: 'torch-zip',
  generate(rng) {
    const stateDict = pickleOrderedDict(randomStateDict(rng));
    let bytes = writeTorchCheckpoint(new Map<PickleWritable, PickleWritable>([['model', stateDict]]));
    if (rng.chance(0.3)) {
      const entries = [
        { name: 'archive/data.pkl', data: writePickle(new Map([['w', randomValue(rng)]])) },
        { name: 'archive/data/0', data: new Uint8Array(rng.pick([0, 48, 4096, 1 << 20])) },
      ];
      bytes = writeDeflatedZip(entries, rng.chance(0.5) ? ['archive/data/0'] : ['archive/data.pkl']);
    }
    return rng.chance(0.8) ? mutateBytes(rng, bytes) : bytes;
  },
  run: (bytes) => readTorchCheckpoint(bytes, 'fuzz.pt'),
});

/** Rewrites a safetensors header with one field bent out of shape. */
function bentHeader(rng: FuzzRng, bytes: Uint8Array): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<
    string,
    Record<string, unknown>
  >;
  const entry = header[rng.pick(Object.keys(header))]!;
  const field = rng.pick(['dtype', 'shape', 'data_offsets']);
  entry[field] = rng.pick<unknown>([
    'F64',
    'Q8',
    null,
    [],
    [2 ** 53, 1],
    [-1],
    [1e300],
    [0, 2 ** 40],
    [5, 1],
    'x',
    { a: 1 },
  ]);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + length), 8 + text.length);
  return out;
}

/** The safetensors reader: valid files, bent headers, byte mutations. */
export const safetensorsTarget = fuzzTarget<Uint8Array>({
  name: 'safetensors',
  generate(rng) {
    const bytes = writeSafetensors(randomStateDict(rng));
    if (rng.chance(0.4)) return bentHeader(rng, bytes);
    return rng.chance(0.8) ? mutateBytes(rng, bytes) : bytes;
  },
  run: (bytes) => readSafetensors(bytes, 'fuzz.safetensors'),
});
