import { isTensorLike } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';
import { isPickleArray, PickleGlobal, type PickleValue } from './pickle-value.js';

/** Deeper nesting than this is no checkpoint; refusing it keeps recursion off the call-stack limit. */
const maxDepth = 256;

function children(value: object): PickleValue[] {
  return value instanceof Map || value instanceof Set ? [...value.values()] : Object.values(value);
}

/** Whether any tensor lies under `value`; `known` makes shared sub-trees cost once. */
function containsTensor(value: PickleValue, known: Map<object, boolean>, depth = 0): boolean {
  if (isTensorLike(value)) return true;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false;
  if (depth > maxDepth) throw new CheckpointError('value', `it nests deeper than ${maxDepth} levels`);
  const cached = known.get(value);
  if (cached !== undefined) return cached;
  known.set(value, false);
  const found = children(value).some((child) => containsTensor(child, known, depth + 1));
  known.set(value, found);
  return found;
}

function defineField(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function plainOf(value: PickleValue, done: Map<object, unknown>, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (isTensorLike(value) || value instanceof PickleGlobal) return value;
  if (ancestors.has(value)) throw new CheckpointError('value', 'it refers to itself and has no plain form');
  if (ancestors.size > maxDepth)
    throw new CheckpointError('value', `it nests deeper than ${maxDepth} levels`);
  if (done.has(value)) return done.get(value);
  ancestors.add(value);
  let plain: unknown;
  if (isPickleArray(value) || value instanceof Set) {
    plain = [...value].map((item) => plainOf(item, done, ancestors));
  } else {
    const entries = value instanceof Map ? [...value] : Object.entries(value);
    if (entries.every(([key]) => typeof key === 'string')) {
      plain = {};
      for (const [key, item] of entries)
        defineField(plain as object, key as string, plainOf(item, done, ancestors));
    } else {
      plain = new Map(entries.map(([key, item]) => [key, plainOf(item, done, ancestors)]));
    }
  }
  ancestors.delete(value);
  done.set(value, plain);
  return plain;
}

/**
 * A value with dicts whose keys are all strings turned into plain objects (other dicts stay Maps), tuples and
 * sets into arrays; tensors, bytes and {@link PickleGlobal} markers stay as they are. A value shared in the
 * tree stays shared. Throws {@link CheckpointError} for self-referencing or absurdly deep values.
 */
export function toPlainValue(value: PickleValue): unknown {
  return plainOf(value, new Map(), new Set());
}

/**
 * The parts of a checkpoint that hold no tensors, as plain values: for JoyVASA's motion generator,
 * `{ args: { data_root: '/…', feature_dim: 256, … }, iter: 20000 }`. Empty when the tree is not a dict.
 */
export function checkpointMetadata(tree: PickleValue): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (!(tree instanceof Map)) return metadata;
  const known = new Map<object, boolean>();
  for (const [key, value] of tree) {
    if (typeof key === 'string' && !containsTensor(value, known))
      defineField(metadata, key, toPlainValue(value));
  }
  return metadata;
}
