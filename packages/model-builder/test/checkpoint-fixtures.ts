import { readFileSync } from 'node:fs';
import { isTensorLike, type TensorLike } from '@joyvasa/core';
import { expect } from 'vitest';
import type { PickleValue } from '../src/checkpoint/pickle-value.js';

/** The bytes of a file in test/fixtures/checkpoint (written by the official tooling's torch and pickle). */
export const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/checkpoint/${name}`, import.meta.url)));

/** `count` values `i · scale + shift`: how the fixture generator filled its tensors. */
export const values = (count: number, scale: number, shift: number) =>
  Array.from({ length: count }, (_, i) => i * scale + shift);

/** The `args` (an argparse.Namespace) saved in the joyvasa-like checkpoints. */
export const joyvasaLikeArgs = {
  data_root: '/data/joyvasa',
  feature_dim: 8,
  n_diff_steps: 50,
  lr: 0.0001,
  guiding_conditions: 'audio,',
  no_head_pose: false,
  n_motions: 100,
  rot_repr: 'aa',
};

/** `value[key]`, checking that `value` is a dict. */
export function entry(value: PickleValue, key: string): PickleValue {
  expect(value).toBeInstanceOf(Map);
  return (value as Map<PickleValue, PickleValue>).get(key)!;
}

/** `value[key]`, checking that it is a tensor. */
export function tensorAt(value: PickleValue, key: string): TensorLike {
  const found = entry(value, key);
  expect(isTensorLike(found)).toBe(true);
  return found as TensorLike;
}
