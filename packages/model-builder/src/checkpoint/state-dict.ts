import { isTensorLike, type TensorLike } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';
import { legacyTorchMagic } from './legacy-torch-checkpoint.js';
import { readPickle } from './pickle-reader.js';
import { describePickleValue, type PickleValue } from './pickle-value.js';

/** Options of {@link extractStateDict}. */
export interface StateDictOptions {
  /**
   * Key of the sub-dict holding the weights (`'model'`, `'retarget_mouth'`), or a path of keys for deeper
   * nesting. Default: the object itself when every leaf is a tensor, else its `state_dict`, else its `model`.
   */
  readonly key?: string | readonly string[];
  /** Prefixes removed, repeatedly, from the start of every key at every level. Default `['module.']` (DDP). */
  readonly stripPrefixes?: readonly string[];
  /** File name used in error messages. Default `'checkpoint'`. */
  readonly name?: string;
}

const defaultCandidates = ['state_dict', 'model'];

function topKeys(dict: Map<PickleValue, PickleValue>): string {
  return [...dict.keys()].map((key) => String(key)).join(', ');
}

/** Deeper nesting than this is no checkpoint; refusing it keeps recursion off the call-stack limit. */
const maxDepth = 256;
/** More entries than this (a hostile pickle can share one dict many times over) is no state dict. */
const maxEntries = 1_000_000;

function checkDepth(depth: number, file: string): void {
  if (depth > maxDepth)
    throw new CheckpointError(file, `the object tree nests deeper than ${maxDepth} levels`);
}

/** True when every leaf under `dict` is a tensor (nested dicts allowed). */
function holdsOnlyTensors(
  dict: Map<PickleValue, PickleValue>,
  file: string,
  seen = new Set<object>(),
): boolean {
  checkDepth(seen.size, file);
  if (seen.has(dict)) return true;
  seen.add(dict);
  return (
    dict.size > 0 &&
    [...dict.values()].every(
      (value) => isTensorLike(value) || (value instanceof Map && holdsOnlyTensors(value, file, seen)),
    )
  );
}

function locate(
  tree: PickleValue,
  key: StateDictOptions['key'],
  file: string,
): Map<PickleValue, PickleValue> {
  if (!(tree instanceof Map)) {
    throw new CheckpointError(
      file,
      `the checkpoint holds a ${describePickleValue(tree)}, not a dict of tensors`,
    );
  }
  if (key !== undefined) {
    let node: PickleValue = tree;
    for (const step of typeof key === 'string' ? [key] : key) {
      if (!(node instanceof Map) || !node.has(step)) {
        const known = node instanceof Map ? ` (keys: ${topKeys(node)})` : '';
        throw new CheckpointError(file, `no entry '${step}' to read the state dict from${known}`);
      }
      node = node.get(step)!;
    }
    if (!(node instanceof Map)) {
      throw new CheckpointError(
        file,
        `entry '${String(key)}' is a ${describePickleValue(node)}, not a dict of tensors`,
      );
    }
    return node;
  }
  if (holdsOnlyTensors(tree, file)) return tree;
  for (const candidate of defaultCandidates) {
    const value = tree.get(candidate);
    if (value instanceof Map) return value;
  }
  throw new CheckpointError(
    file,
    `no state dict found: the top-level keys are ${topKeys(tree)}; pass { key } to name the one that holds the weights`,
  );
}

function strip(key: string, prefixes: readonly string[]): string {
  for (let changed = true; changed; ) {
    changed = false;
    for (const prefix of prefixes) {
      if (prefix && key.startsWith(prefix)) {
        key = key.slice(prefix.length);
        changed = true;
      }
    }
  }
  return key;
}

interface FlattenState {
  readonly out: Map<string, TensorLike>;
  readonly origin: Map<string, string>;
  readonly prefixes: readonly string[];
  readonly file: string;
  readonly ancestors: Set<object>;
  entries: number;
}

function addTensor(key: string, from: string, value: TensorLike, state: FlattenState): void {
  const clash = state.origin.get(key);
  if (clash !== undefined) {
    throw new CheckpointError(
      state.file,
      `keys '${clash}' and '${from}' both become '${key}' once prefixes are stripped`,
    );
  }
  state.out.set(key, value);
  state.origin.set(key, from);
}

function flatten(
  dict: Map<PickleValue, PickleValue>,
  path: string,
  original: string,
  state: FlattenState,
): void {
  if (state.ancestors.has(dict))
    throw new CheckpointError(state.file, `the state dict contains itself at ${path}`);
  checkDepth(state.ancestors.size, state.file);
  state.ancestors.add(dict);
  for (const [rawKey, value] of dict) {
    if (++state.entries > maxEntries)
      throw new CheckpointError(state.file, `the state dict has over ${maxEntries} entries`);
    if (typeof rawKey !== 'string') {
      throw new CheckpointError(state.file, `state-dict key ${describePickleValue(rawKey)} is not a string`);
    }
    const key = path + strip(rawKey, state.prefixes);
    const from = original + rawKey;
    if (value instanceof Map) {
      flatten(value, `${key}.`, `${from}.`, state);
    } else if (isTensorLike(value)) {
      addTensor(key, from, value, state);
    } else {
      throw new CheckpointError(
        state.file,
        `state-dict entry '${from}' is a ${describePickleValue(value)}, not a tensor; ` +
          'pass { key } to pick the sub-dict that holds only weights',
      );
    }
  }
  state.ancestors.delete(dict);
}

/**
 * Turns a checkpoint's object tree into a flat state dict, key → tensor: the tree itself, its
 * `state_dict` or `model` entry, or the entry named by `options.key` (e.g. `retarget_mouth` in
 * LivePortrait's stitching file). Nested dicts are joined with `.`; `module.` prefixes are stripped.
 * Throws {@link CheckpointError} if a leaf is not a tensor or two keys collide after stripping.
 */
export function extractStateDict(tree: PickleValue, options: StateDictOptions = {}): Map<string, TensorLike> {
  const file = options.name ?? 'checkpoint';
  const dict = locate(tree, options.key, file);
  const state: FlattenState = {
    out: new Map(),
    origin: new Map(),
    prefixes: options.stripPrefixes ?? ['module.'],
    file,
    ancestors: new Set(),
    entries: 0,
  };
  flatten(dict, '', '', state);
  return state.out;
}

/**
 * Reads a plain pickle file — e.g. JoyVASA's `motion_template.pkl`, a dict of numpy float32 arrays — into
 * its object tree, with numpy arrays as TensorLike (float16/float64 → float32). Torch checkpoints are
 * refused with a hint to use `readTorchCheckpoint`; so is anything after the pickle's STOP.
 */
export function readPlainPickle(bytes: Uint8Array, name = 'pickle'): PickleValue {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new CheckpointError(
      name,
      'this is a zip archive (a torch checkpoint?), not a plain pickle; use readTorchCheckpoint',
    );
  }
  const { value, end } = readPickle(bytes, { name });
  if (value === legacyTorchMagic) {
    throw new CheckpointError(
      name,
      'this is a legacy torch checkpoint, not a plain pickle; use readTorchCheckpoint',
    );
  }
  if (end !== bytes.length) {
    throw new CheckpointError(
      name,
      `${bytes.length - end} bytes follow the pickle's STOP; the file is corrupt or not one pickle`,
    );
  }
  return value;
}
