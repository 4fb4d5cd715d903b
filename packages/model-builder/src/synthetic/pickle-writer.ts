import { isTensorLike, type TensorLike } from '@joyvasa/core';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { isPickleTuple, PickleGlobal, type PickleScalar } from '../checkpoint/pickle-value.js';

/** Values {@link writePickle} can write; see there for how each maps to Python. */
export type PickleWritable =
  | PickleScalar
  | readonly PickleWritable[]
  | ReadonlyMap<PickleWritable, PickleWritable>
  | ReadonlySet<PickleWritable>
  | PickleGlobal
  | PickleInstruction
  | TensorLike
  | { readonly [field: string]: PickleWritable };

type Instruction =
  | { readonly kind: 'float'; readonly value: number }
  | {
      readonly kind: 'reduce';
      readonly callable: PickleGlobal;
      readonly args: readonly PickleWritable[];
      readonly state?: PickleWritable;
    }
  | { readonly kind: 'persistent'; readonly id: PickleWritable }
  | { readonly kind: 'orderedDict'; readonly entries: ReadonlyMap<PickleWritable, PickleWritable> };

/** A value the writer encodes specially; create one with the `pickle…` helpers. */
export class PickleInstruction {
  constructor(readonly instruction: Instruction) {}
}

/** A Python float even when the value is whole (plain whole numbers are written as ints). */
export const pickleFloat = (value: number) => new PickleInstruction({ kind: 'float', value });

/** `callable(*args)`, then `__setstate__(state)` when `state` is given (REDUCE, BUILD). */
export const pickleReduce = (
  callable: PickleGlobal,
  args: readonly PickleWritable[],
  state?: PickleWritable,
) => new PickleInstruction({ kind: 'reduce', callable, args, ...(state === undefined ? {} : { state }) });

/** A persistent id (BINPERSID), such as torch's `('storage', torch.FloatStorage, '0', 'cpu', numel)`. */
export const picklePersistentId = (id: PickleWritable) => new PickleInstruction({ kind: 'persistent', id });

/** A `collections.OrderedDict`, as torch state dicts are. */
export const pickleOrderedDict = (entries: ReadonlyMap<PickleWritable, PickleWritable>) =>
  new PickleInstruction({ kind: 'orderedDict', entries });

/** A `pathlib.PosixPath`, as argparse fields of type Path are pickled. */
export const picklePosixPath = (path: string) => {
  const parts = path.split('/').filter((part) => part.length > 0);
  return pickleReduce(
    new PickleGlobal('pathlib', 'PosixPath'),
    path.startsWith('/') ? ['/', ...parts] : parts,
  );
};

/** Options of {@link writePickle}. */
export interface PickleWriteOptions {
  /** Replaces values before they are written (the torch writer turns tensors into storages here). */
  readonly transform?: (value: PickleWritable) => PickleWritable | undefined;
}

class ByteSink {
  bytes = new Uint8Array(1024);
  length = 0;

  push(...values: number[]): void {
    this.append(Uint8Array.from(values));
  }

  append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + chunk.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  uint32(value: number): void {
    this.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }
}

function longBytes(value: bigint): number[] {
  const bytes: number[] = [];
  if (value === 0n) return bytes;
  let rest = value;
  do {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  } while (rest !== 0n && rest !== -1n);
  // Add a sign byte when the top bit disagrees with the sign.
  const top = bytes[bytes.length - 1]!;
  if (value > 0n && top & 0x80) bytes.push(0);
  if (value < 0n && !(top & 0x80)) bytes.push(0xff);
  return bytes;
}

class PickleEncoder {
  readonly out = new ByteSink();
  private readonly ancestors = new Set<object>();

  constructor(private readonly options: PickleWriteOptions) {}

  text(value: string): void {
    const utf8 = new TextEncoder().encode(value);
    this.out.push(0x58);
    this.out.uint32(utf8.length);
    this.out.append(utf8);
  }

  global(value: PickleGlobal): void {
    this.out.push(0x63);
    this.out.append(new TextEncoder().encode(`${value.module}\n${value.name}\n`));
  }

  number(value: number): void {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
      this.float(value);
    } else if (value >= 0 && value < 0x100) {
      this.out.push(0x4b, value);
    } else if (value >= 0 && value < 0x10000) {
      this.out.push(0x4d, value & 0xff, value >> 8);
    } else if (value >= -0x80000000 && value <= 0x7fffffff) {
      this.out.push(0x4a);
      this.out.uint32(value >>> 0);
    } else {
      this.long(BigInt(value));
    }
  }

  long(value: bigint): void {
    const bytes = longBytes(value);
    if (bytes.length > 255) throw new CheckpointError('pickle', `integer ${value} is too large to write`);
    this.out.push(0x8a, bytes.length, ...bytes);
  }

  float(value: number): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, false);
    this.out.push(0x47);
    this.out.append(bytes);
  }

  /** Python 3's protocol-2 form of bytes: `_codecs.encode(latin1 text, 'latin1')`. */
  bytes(value: Uint8Array): void {
    this.global(new PickleGlobal('_codecs', 'encode'));
    let text = '';
    for (const byte of value) text += String.fromCharCode(byte);
    this.text(text);
    this.text('latin1');
    this.out.push(0x86, 0x52);
  }

  sequence(items: readonly PickleWritable[], tuple: boolean): void {
    const short = tuple && items.length <= 3;
    // Tuples of up to 3 have their own opcodes; longer ones and non-empty lists are built after a MARK.
    if (!tuple) this.out.push(0x5d);
    if (!short && items.length > 0) this.out.push(0x28);
    for (const item of items) this.write(item);
    if (short) this.out.push([0x29, 0x85, 0x86, 0x87][items.length]!);
    else if (tuple) this.out.push(items.length > 0 ? 0x74 : 0x29);
    else if (items.length > 0) this.out.push(0x65);
  }

  entries(entries: Iterable<readonly [PickleWritable, PickleWritable]>): void {
    this.out.push(0x28);
    for (const [key, value] of entries) {
      this.write(key);
      this.write(value);
    }
    this.out.push(0x75);
  }

  instruction({ instruction }: PickleInstruction): void {
    switch (instruction.kind) {
      case 'float':
        this.float(instruction.value);
        break;
      case 'persistent':
        this.write(instruction.id);
        this.out.push(0x51);
        break;
      case 'orderedDict':
        this.global(new PickleGlobal('collections', 'OrderedDict'));
        this.out.push(0x29, 0x52);
        this.entries(instruction.entries);
        break;
      case 'reduce':
        this.global(instruction.callable);
        this.sequence(instruction.args, true);
        this.out.push(0x52);
        if (instruction.state !== undefined) {
          this.write(instruction.state);
          this.out.push(0x62);
        }
    }
  }

  /** A plain object, written as an `argparse.Namespace` with these fields. */
  namespace(fields: { readonly [field: string]: PickleWritable }): void {
    this.global(new PickleGlobal('argparse', 'Namespace'));
    this.out.push(0x29, 0x81, 0x7d);
    this.entries(Object.entries(fields));
    this.out.push(0x62);
  }

  write(input: PickleWritable): void {
    const replaced = this.options.transform?.(input);
    const value = replaced === undefined ? input : replaced;
    if (value === null) this.out.push(0x4e);
    else if (typeof value === 'boolean') this.out.push(value ? 0x88 : 0x89);
    else if (typeof value === 'number') this.number(value);
    else if (typeof value === 'bigint') this.long(value);
    else if (typeof value === 'string') this.text(value);
    else if (typeof value !== 'object') throw new CheckpointError('pickle', `cannot write a ${typeof value}`);
    else if (value instanceof Uint8Array) this.bytes(value);
    else if (value instanceof PickleGlobal) this.global(value);
    else if (value instanceof PickleInstruction) this.instruction(value);
    else this.object(value);
  }

  object(value: Exclude<PickleWritable, null | boolean | number | bigint | string>): void {
    if (isTensorLike(value)) {
      throw new CheckpointError(
        'pickle',
        'tensors need storages: write them with writeTorchCheckpoint or writeSafetensors',
      );
    }
    if (this.ancestors.has(value)) throw new CheckpointError('pickle', 'the value contains itself');
    this.ancestors.add(value);
    this.container(value);
    this.ancestors.delete(value);
  }

  container(value: Exclude<PickleWritable, TensorLike | null | boolean | number | bigint | string>): void {
    const prototype = Object.getPrototypeOf(value);
    if (Array.isArray(value)) {
      this.sequence(value, isPickleTuple(value));
    } else if (value instanceof Map) {
      this.out.push(0x7d);
      if (value.size > 0) this.entries(value);
    } else if (value instanceof Set) {
      this.global(new PickleGlobal('__builtin__', 'set'));
      this.sequence([...value], false);
      this.out.push(0x85, 0x52);
    } else if (prototype === Object.prototype || prototype === null) {
      this.namespace(value as { readonly [field: string]: PickleWritable });
    } else {
      throw new CheckpointError('pickle', `cannot write a ${value.constructor?.name ?? 'class instance'}`);
    }
  }
}

/**
 * Writes a protocol-2 pickle (the protocol torch.save uses). null → None; booleans; whole numbers →
 * int, others → float ({@link pickleFloat} forces a float); bigint → int; string → str; Uint8Array →
 * bytes; frozen arrays (`pickleTuple`) → tuple, other arrays → list; Map → dict; Set → set;
 * plain objects → `argparse.Namespace`; {@link PickleGlobal} → a global reference; plus the
 * {@link pickleReduce}, {@link picklePersistentId}, {@link pickleOrderedDict} and {@link picklePosixPath}
 * instructions. No memo is written, so shared values are written once per use.
 */
export function writePickle(value: PickleWritable, options: PickleWriteOptions = {}): Uint8Array {
  const encoder = new PickleEncoder(options);
  encoder.out.push(0x80, 2);
  encoder.write(value);
  encoder.out.push(0x2e);
  return encoder.out.bytes.slice(0, encoder.out.length);
}
