import type { TensorLike } from '@joyvasa/core';
import { readSafetensors } from './safetensors.js';
import { extractStateDict, type StateDictOptions } from './state-dict.js';
import { readTorchCheckpoint, type TorchCheckpointOptions } from './torch-checkpoint.js';

/** Options of {@link readStateDict}. */
export type ReadStateDictOptions = Omit<StateDictOptions, 'name'> & TorchCheckpointOptions;

/** True when the bytes look like safetensors: a little-endian header length, then a JSON object. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0;
}

/**
 * Reads the weights of a checkpoint file as a flat state dict, key → tensor, whatever its format:
 * safetensors, torch zip or legacy torch (`.pt`, `.pth`, `.bin`). For torch files, `options.key` picks a
 * sub-dict (`'model'`, `'retarget_eye'`) and `module.` prefixes are stripped; see {@link extractStateDict}.
 */
export async function readStateDict(
  bytes: Uint8Array,
  fileName: string,
  options: ReadStateDictOptions = {},
): Promise<Map<string, TensorLike>> {
  if (looksLikeSafetensors(bytes)) {
    const tensors = readSafetensors(bytes, fileName);
    return extractStateDict(new Map(tensors), { ...options, name: fileName });
  }
  const checkpoint = await readTorchCheckpoint(bytes, fileName, options);
  return extractStateDict(checkpoint.value, { ...options, name: fileName });
}
