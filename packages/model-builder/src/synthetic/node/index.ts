/**
 * `@joyvasa/model-builder/synthetic/node`: the Node side of `./synthetic`: formula checkpoints written to
 * disk and the synthetic (formula or fixture) bundle cache.
 */
export { OutputWriteError } from '@joyvasa/core';
export {
  type EnsureSyntheticBundleOptions,
  type EnsureSyntheticBundleResult,
  ensureSyntheticBundle,
} from './synthetic-bundle-cache.js';
export {
  formulaAudioEncoderStateDict,
  hubertConfigJson,
  type WriteFormulaCheckpointsOptions,
  writeFormulaCheckpoints,
} from './write-formula-checkpoints.js';
