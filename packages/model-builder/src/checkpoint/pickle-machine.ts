import { inputLimits } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';
import { type GlobalBehaviour, resolveGlobal } from './pickle-globals.js';
import { describePickleValue, PickleGlobal, type PickleValue } from './pickle-value.js';
import type { PendingTensor } from './torch-storage.js';

/** What an allow-listed global may ask of the reader while it rebuilds a value. */
export interface GlobalContext {
  readonly file: string;
  /** Runs `build` when a BUILD opcode reaches `target`; `required` targets must get one before STOP. */
  onBuild(target: object, build: (state: PickleValue) => void, required?: boolean): void;
  /** Records a tensor whose storage bytes are only known after the pickle is parsed. */
  deferTensor(request: PendingTensor): void;
  /** Throws a {@link CheckpointError} naming the file and the current byte offset. */
  fail(message: string): never;
  /**
   * Counts `elements` copied while rebuilding a value (a dict rebuilt from a dict, a path joined from
   * parts) against the work budget, and fails once the pickle copies far more than its size could hold.
   */
  charge(elements: number): void;
}

/**
 * State of one pickle parse: input cursor, stack with marks, memo, and the hooks globals use.
 * Only data is built here; no opcode can reach code outside the allow-list in `pickle-globals.ts`.
 */
export class PickleMachine implements GlobalContext {
  readonly view: DataView;
  pos: number;
  stack: PickleValue[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, PickleValue>();
  readonly pending: PendingTensor[] = [];
  private readonly builders = new Map<object, { build: (state: PickleValue) => void; required: boolean }>();
  opcodeStart = 0;
  opcodeName = '';
  /** Elements copied so far; see {@link charge}. */
  private copied = 0;
  private readonly start: number;

  readonly bytes: Uint8Array;

  constructor(
    input: Uint8Array,
    readonly file: string,
    start: number,
    readonly persistentLoad: ((pid: PickleValue) => PickleValue) | undefined,
  ) {
    // A plain Uint8Array view, so bytes values are not Node Buffers when the input is one.
    this.bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.pos = start;
    this.start = start;
  }

  charge(elements: number): void {
    this.copied += elements;
    const read = this.pos - this.start;
    const budget = inputLimits.pickleCopiesBase + inputLimits.pickleCopiesPerByte * read;
    if (this.copied > budget) {
      this.fail(
        `rebuilding its values copies more than ${budget} elements after ${read} bytes ` +
          `(${inputLimits.pickleCopiesPerByte} a byte plus ${inputLimits.pickleCopiesBase}); a checkpoint ` +
          'never nests containers like this: the file is corrupt or hostile',
      );
    }
  }

  fail(message: string): never {
    throw new CheckpointError(this.file, `pickle ${this.opcodeName} at byte ${this.opcodeStart}: ${message}`);
  }

  /** Advances past `count` bytes and returns their start, or fails if the input ends first. */
  take(count: number): number {
    if (!Number.isSafeInteger(count) || count < 0 || this.pos + count > this.bytes.length) {
      this.fail(
        `needs ${count} more bytes but the input ends at byte ${this.bytes.length}; ` +
          'the file is truncated or corrupt',
      );
    }
    const at = this.pos;
    this.pos += count;
    return at;
  }

  // Little-endian readers for opcode arguments; each fails cleanly at the end of the input.
  u8 = (): number => this.bytes[this.take(1)]!;
  u16 = (): number => this.view.getUint16(this.take(2), true);
  u32 = (): number => this.view.getUint32(this.take(4), true);
  i32 = (): number => this.view.getInt32(this.take(4), true);
  u64 = (): number => {
    const value = this.view.getBigUint64(this.take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${value} is impossibly large`);
    return Number(value);
  };
  raw = (count: number): Uint8Array => this.bytes.subarray(this.take(count), this.pos);
  utf8 = (count: number): string => new TextDecoder().decode(this.raw(count));

  /** A protocol-0 argument: the bytes up to the next newline, as latin1 text. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('no newline before the end of the input; the file is truncated');
    const text = latin1(this.raw(end - this.pos));
    this.pos++;
    return text;
  }

  /** Pushes a value on the stack. */
  push(value: PickleValue): void {
    this.stack.push(value);
  }

  /** Pops the top of the stack, failing on an empty stack. */
  pop(): PickleValue {
    if (this.stack.length === 0) this.fail('the stack is empty; the pickle is corrupt');
    return this.stack.pop()!;
  }

  /** The top of the stack, left in place. */
  top(): PickleValue {
    if (this.stack.length === 0) this.fail('the stack is empty; the pickle is corrupt');
    return this.stack[this.stack.length - 1]!;
  }

  /** Remembers the stack height for the next popMark. */
  mark(): void {
    this.marks.push(this.stack.length);
  }

  /** Removes and returns every item above the most recent MARK. */
  popMark(): PickleValue[] {
    const at = this.marks.pop();
    if (at === undefined || at > this.stack.length) this.fail('no MARK to pop to; the pickle is corrupt');
    return this.stack.splice(at);
  }

  /** A memoized value, failing if the pickle never stored it. */
  memoGet(index: number): PickleValue {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} was never stored; the pickle is corrupt`);
    return this.memo.get(index)!;
  }

  /** Looks a global up in the allow-list, rejecting everything else before anything could run. */
  global(module: string, name: string): PickleGlobal {
    if (!resolveGlobal(module, name)) {
      this.fail(
        `refuses global ${module}.${name}: only tensor, array and plain-data types may appear in a ` +
          'checkpoint, and this one names code that would run on load. The file may be malicious; ' +
          'do not open it with torch.load(weights_only=False) either, and get the weights from a trusted source.',
      );
    }
    return new PickleGlobal(module, name);
  }

  /** How to call (REDUCE) or instantiate (NEWOBJ, INST, OBJ) a global on the stack. */
  behaviour(callable: PickleValue, use: 'call' | 'construct'): NonNullable<GlobalBehaviour['call']> {
    if (!(callable instanceof PickleGlobal)) this.fail(`cannot call a ${describePickleValue(callable)}`);
    const behaviour = resolveGlobal(callable.module, callable.name);
    const run = behaviour?.[use];
    if (!run) this.fail(`${callable.qualifiedName} cannot be ${use === 'call' ? 'called' : 'instantiated'}`);
    return run;
  }

  /** Checks that an argument list is a tuple (or list). */
  args(value: PickleValue): readonly PickleValue[] {
    if (!Array.isArray(value)) this.fail(`expected an argument tuple, got a ${describePickleValue(value)}`);
    return value as readonly PickleValue[];
  }

  onBuild(target: object, build: (state: PickleValue) => void, required = false): void {
    this.builders.set(target, { build, required });
  }

  deferTensor(request: PendingTensor): void {
    this.pending.push(request);
  }

  /** BUILD: hands the state to the builder registered for the object below it. */
  build(): void {
    const state = this.pop();
    const target = this.top();
    const builder = typeof target === 'object' && target !== null ? this.builders.get(target) : undefined;
    if (builder) {
      this.builders.delete(target as object);
      builder.build(state);
    } else if (!(target instanceof Map)) {
      // A dict's BUILD only sets instance attributes (torch's `_metadata`), which hold no weights.
      this.fail(`cannot set state on a ${describePickleValue(target)}`);
    }
  }

  /** Fails if an object that needs a BUILD (a numpy array's data) never received one. */
  checkBuilt(): void {
    for (const { required } of this.builders.values()) {
      if (required) this.fail('a numpy array never received its data (BUILD); the pickle is corrupt');
    }
  }
}

/** Decodes bytes as latin1 (one char per byte), as Python 2 strings and protocol-0 lines are. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}
