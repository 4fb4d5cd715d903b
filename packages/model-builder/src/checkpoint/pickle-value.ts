import type { TensorLike } from '@joyvasa/core';

/**
 * A reference to a Python global (`module.name`) that a pickle named, kept as inert data: storage types,
 * dtypes and other class markers stay in the object tree as these, and the pickle writer writes them back
 * as `GLOBAL` opcodes. The reader never resolves one to code.
 */
export class PickleGlobal {
  constructor(
    /** Python module, e.g. `torch`. */
    readonly module: string,
    /** Attribute in that module, e.g. `FloatStorage`. */
    readonly name: string,
  ) {}

  /** `module.name`, as Python would print it. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The fields of a Python object rebuilt as a plain object (e.g. an `argparse.Namespace`). */
export interface PickleObject {
  readonly [field: string]: PickleValue;
}

/** The leaves the pickle reader returns and the writer takes: None, bool, int, float, str and bytes. */
export type PickleScalar = null | boolean | number | bigint | string | Uint8Array;

/**
 * A value read from a pickle:
 * `None` → null; bool → boolean; int → number, or bigint beyond ±2^53; float → number; str → string;
 * bytes/bytearray → Uint8Array; list → array; tuple → frozen array (see {@link isPickleTuple});
 * dict/OrderedDict → Map; set/frozenset → Set; torch tensors and numpy arrays → TensorLike;
 * `argparse.Namespace` → {@link PickleObject}; `pathlib` paths → string; class markers → {@link PickleGlobal}.
 */
export type PickleValue =
  | PickleScalar
  | readonly PickleValue[]
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | TensorLike
  | PickleGlobal
  | PickleObject;

/** A Python tuple: a frozen array, so the pickle writer writes it back as a tuple rather than a list. */
export function pickleTuple<T>(...items: T[]): readonly T[] {
  return Object.freeze(items);
}

/** True for lists and tuples; unlike `Array.isArray`, narrows readonly arrays too. */
export function isPickleArray(value: unknown): value is readonly PickleValue[] {
  return Array.isArray(value);
}

/** True for arrays that stand for Python tuples (frozen arrays). */
export function isPickleTuple(value: unknown): value is readonly PickleValue[] {
  return Array.isArray(value) && Object.isFrozen(value);
}

/** A short description of a value's type for error messages (`tuple`, `dict`, `str`, …). */
export function describePickleValue(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof Uint8Array) return 'bytes';
  if (isPickleTuple(value)) return `tuple of ${value.length}`;
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map) return 'dict';
  if (value instanceof Set) return 'set';
  if (value instanceof PickleGlobal) return `global ${value.qualifiedName}`;
  if (typeof value === 'object' && 'dims' in value && 'type' in value) return 'tensor';
  return typeof value === 'object' ? 'object' : typeof value;
}
