import { join } from 'node:path';
import {
  type AnimationMode,
  type EventListener,
  type LivePortraitNetwork,
  livePortraitComponent,
  ModelLoadError,
  throwIfAborted,
} from '@joyvasa/core';
import { readRegularFile } from '@joyvasa/core/node';
import { appearanceFeatureExtractorStateDict } from '../architectures/liveportrait/appearance-feature-extractor.js';
import { motionExtractorStateDict } from '../architectures/liveportrait/motion-extractor.js';
import { retargetingMlpConfigs } from '../architectures/liveportrait/retargeting-mlp.js';
import { spadeGeneratorStateDict } from '../architectures/liveportrait/spade-generator.js';
import {
  inferenceIgnoredKeys,
  linearEntries,
  type StateDictEntry,
} from '../architectures/liveportrait/state-dict-entries.js';
import { warpingModuleStateDict } from '../architectures/liveportrait/warping-module.js';
import type {
  JoyvasaBundleSources,
  LivePortraitSizes,
  LivePortraitWeights,
  ReadyModel,
} from '../bundle/joyvasa-bundle-plan.js';
import { readStateDict } from '../checkpoint/read-state-dict.js';
import { extractStateDict } from '../checkpoint/state-dict.js';
import { readTorchCheckpoint } from '../checkpoint/torch-checkpoint.js';
import { readOnnxIo } from '../onnx/read-onnx-io.js';
import { createStateDictSource, type WeightSource } from '../weights/weight-source.js';
import { livePortraitNetworks } from './official-files.js';
import { assertNoProblems, auditStateDict } from './state-dict-audit.js';

/** What the readers of one conversion share: where files are, and what they report. */
export interface ReadContext {
  readonly from: string;
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
  /** Every file read, with the part of the bundle it feeds. */
  readonly inputs: { file: string; role: string }[];
  /** Keys found in a file but used by no graph, by file. */
  readonly unexpectedKeys: Record<string, string[]>;
  readonly notes: string[];
}

/** Reads `file` (relative to `ctx.from`) with `model-file` start and end events, and records it as an input. */
export async function readInput(ctx: ReadContext, file: string, role: string): Promise<Uint8Array> {
  throwIfAborted(ctx.signal);
  const path = join(ctx.from, file);
  ctx.onEvent?.({ type: 'model-file', status: 'start', file, loaded: 0, total: 0 });
  const bytes = await readRegularFile(path, {
    refuse: (reason, cause) => new ModelLoadError(path, `cannot read it: ${reason}`, { cause }),
    ...(ctx.signal && { signal: ctx.signal }),
  });
  ctx.onEvent?.({ type: 'model-file', status: 'end', file, loaded: bytes.length, total: bytes.length });
  ctx.inputs.push({ file, role });
  return bytes;
}

/** Records `keys` as unexpected in `file` when there are any. */
export function reportUnexpected(ctx: ReadContext, file: string, keys: readonly string[]): void {
  if (keys.length > 0) ctx.unexpectedKeys[file] = [...keys];
}

/** The official keys and shapes of a LivePortrait base network's `.pth` for `sizes`. */
export function livePortraitEntries(
  network: LivePortraitNetwork,
  sizes: LivePortraitSizes,
): StateDictEntry[] {
  switch (network) {
    case 'appearanceFeatureExtractor':
      return appearanceFeatureExtractorStateDict(sizes.appearanceFeatureExtractor);
    case 'motionExtractor':
      return motionExtractorStateDict(sizes.motionExtractor);
    case 'warpingModule':
      return warpingModuleStateDict({ ...sizes.warpingModule, gridSample: 'native' });
    case 'spadeGenerator':
      return spadeGeneratorStateDict(sizes.spadeGenerator);
  }
}

const livePortraitHint =
  "If the file is damaged, fetch it again with 'joyvasa fetch'; a checkpoint of other network sizes needs " +
  'the matching livePortraitSizes.';

/**
 * Reads the four base networks of one mode, checking every file's keys and shapes against the official
 * state-dict lists for `sizes` before anything is built (one {@link CheckpointError} per bad file).
 */
export async function readLivePortrait(
  ctx: ReadContext,
  files: Readonly<Record<LivePortraitNetwork, string>>,
  sizes: LivePortraitSizes,
  mode: AnimationMode,
): Promise<LivePortraitWeights> {
  const sources: Partial<Record<LivePortraitNetwork, WeightSource>> = {};
  for (const network of livePortraitNetworks) {
    const file = files[network];
    const role = livePortraitComponent(network, mode);
    const stateDict = await readStateDict(await readInput(ctx, file, role), file);
    const audit = auditStateDict(stateDict, livePortraitEntries(network, sizes), inferenceIgnoredKeys);
    assertNoProblems(file, `LivePortrait's ${role}`, audit.problems, livePortraitHint);
    reportUnexpected(ctx, file, audit.unexpected);
    sources[network] = createStateDictSource(stateDict);
  }
  return sources as LivePortraitWeights;
}

/** The official sub-dict of each retargeting MLP in `stitching_retargeting_module.pth`. */
export const stitchingKeys = {
  stitching: 'retarget_shoulder',
  lip: 'retarget_mouth',
  eye: 'retarget_eye',
} as const satisfies Record<keyof typeof retargetingMlpConfigs, string>;

/** The keys and shapes of one retargeting MLP's sub-dict (without the `module.` prefix). */
export function retargetingEntries(role: keyof typeof retargetingMlpConfigs): StateDictEntry[] {
  const config = retargetingMlpConfigs[role];
  const sizes = [config.inputSize, ...config.hiddenSizes, config.outputSize];
  return sizes.slice(1).flatMap((out, layer) => linearEntries(`mlp.${layer * 2}`, sizes[layer]!, out));
}

/** Reads the three MLPs of the stitching file (`module.` prefixes stripped), each checked in full. */
export async function readStitching(
  ctx: ReadContext,
  file: string,
): Promise<JoyvasaBundleSources['retargeting']> {
  const bytes = await readInput(ctx, file, 'stitching_retargeting');
  const tree = (await readTorchCheckpoint(bytes, file)).value;
  const result: Partial<Record<keyof typeof stitchingKeys, WeightSource>> = {};
  const unexpected: string[] = [];
  for (const [role, key] of Object.entries(stitchingKeys) as [keyof typeof stitchingKeys, string][]) {
    const stateDict = extractStateDict(tree, { key, name: file });
    const audit = auditStateDict(stateDict, retargetingEntries(role), inferenceIgnoredKeys);
    assertNoProblems(file, `the ${role} MLP (${key})`, audit.problems, livePortraitHint);
    unexpected.push(...audit.unexpected.map((name) => `${key}.${name}`));
    result[role] = createStateDictSource(stateDict);
  }
  reportUnexpected(ctx, file, unexpected);
  if (tree instanceof Map) {
    const others = [...tree.keys()]
      .map(String)
      .filter((key) => !Object.values(stitchingKeys).includes(key as never));
    if (others.length > 0) ctx.notes.push(`${file} also holds ${others.join(', ')} (not used by JoyVASA)`);
  }
  return result as JoyvasaBundleSources['retargeting'];
}

/** Takes the three detector models as they are, with the input and output specs their graphs declare. */
export async function readDetectors(
  ctx: ReadContext,
  files: { readonly faceDetector: string; readonly landmarks106: string; readonly landmarks203: string },
): Promise<NonNullable<JoyvasaBundleSources['detectors']>> {
  const ready = async (file: string, role: string): Promise<ReadyModel> => {
    const bytes = await readInput(ctx, file, role);
    return { bytes, ...readOnnxIo(bytes, file) };
  };
  return {
    faceDetector: await ready(files.faceDetector, 'face_detector'),
    landmarks106: await ready(files.landmarks106, 'face_landmarks_106'),
    landmarks203: await ready(files.landmarks203, 'face_landmarks_203'),
  };
}
