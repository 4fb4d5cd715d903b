import { pickleTarget, safetensorsTarget, torchZipTarget } from './checkpoint-targets.js';
import type { FuzzTarget } from './fuzz-target.js';
import { reduceChainTarget, specialFileTarget } from './hostile-file-targets.js';
import { imageTarget, listingTarget, manifestTarget, wavTarget } from './input-targets.js';

/** Every fuzzed entry point, by name. */
export const fuzzTargets: readonly FuzzTarget<unknown>[] = [
  pickleTarget,
  torchZipTarget,
  safetensorsTarget,
  wavTarget,
  manifestTarget,
  imageTarget,
  listingTarget,
  reduceChainTarget,
  specialFileTarget,
];
