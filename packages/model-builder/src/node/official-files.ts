import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleComponents, type LivePortraitNetwork, ModelLoadError } from '@joyvasa/core';

/** The four LivePortrait base networks, in the order they are read and written. */
export const livePortraitNetworks: readonly LivePortraitNetwork[] = [
  'appearanceFeatureExtractor',
  'motionExtractor',
  'warpingModule',
  'spadeGenerator',
];

/** Paths, relative to the `pretrained_weights` folder, of the files a conversion reads. */
export interface OfficialFiles {
  readonly human: Readonly<Record<LivePortraitNetwork, string>>;
  readonly stitching: string;
  readonly motionGenerator: string;
  readonly template: string;
  /** Present only when all four animal files are there. */
  readonly animal?: Readonly<Record<LivePortraitNetwork, string>>;
  /** Present only when all three detector models are there. */
  readonly detectors?: {
    readonly faceDetector: string;
    readonly landmarks106: string;
    readonly landmarks203: string;
  };
  readonly hubertConfig?: string;
  /** Optional files (or groups) that are absent. */
  readonly missingOptional: string[];
}

const motionGeneratorFolder = 'JoyVASA/motion_generator';
const templateFile = 'JoyVASA/motion_template/motion_template.pkl';
const stitchingFile = 'liveportrait/retargeting_models/stitching_retargeting_module.pth';
const detectorFiles = {
  faceDetector: 'insightface/models/buffalo_l/det_10g.onnx',
  landmarks106: 'insightface/models/buffalo_l/2d106det.onnx',
  landmarks203: 'liveportrait/landmark.onnx',
} as const;
/** Where `joyvasa fetch` puts the HuBERT config, then the folder name of the JoyVASA README (Linux). */
const hubertConfigFiles = [
  'chinese-hubert-base/config.json',
  'TencentGameMate:chinese-hubert-base/config.json',
];

function baseModels(folder: string): Record<LivePortraitNetwork, string> {
  return Object.fromEntries(
    livePortraitNetworks.map((network) => [
      network,
      `${folder}/base_models/${bundleComponents[network]}.pth`,
    ]),
  ) as Record<LivePortraitNetwork, string>;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** The one `.pt` of the motion-generator folder (released name or `iter_*.pt`), or undefined when none. */
async function findMotionGenerator(from: string): Promise<string | undefined> {
  const names = await readdir(join(from, motionGeneratorFolder)).catch(() => [] as string[]);
  const candidates = names.filter((name) => name.endsWith('.pt')).sort();
  if (candidates.length > 1) {
    throw new ModelLoadError(
      join(from, motionGeneratorFolder),
      `it holds ${candidates.length} checkpoints (${candidates.join(', ')}) and the converter cannot tell ` +
        'which one to use; keep only the one you want in that folder',
    );
  }
  return candidates[0] && `${motionGeneratorFolder}/${candidates[0]}`;
}

async function missingOf(from: string, paths: readonly string[]): Promise<string[]> {
  const present = await Promise.all(paths.map((path) => isFile(join(from, path))));
  return paths.filter((_, i) => !present[i]);
}

/** True when `from` looks like a `pretrained_weights` folder (it has `liveportrait/` or `JoyVASA/`). */
export async function isOfficialLayout(from: string): Promise<boolean> {
  const names = await readdir(from).catch(() => [] as string[]);
  return names.includes('liveportrait') || names.includes('JoyVASA');
}

/**
 * Finds the files of the official `pretrained_weights` layout under `from`. Throws one
 * {@link ModelLoadError} listing every missing required file (and how to get them); optional files that are
 * absent are listed in `missingOptional`.
 */
export async function locateOfficialFiles(from: string): Promise<OfficialFiles> {
  const human = baseModels('liveportrait');
  const motionGenerator = await findMotionGenerator(from);
  const missing = await missingOf(from, [...Object.values(human), stitchingFile, templateFile]);
  if (!motionGenerator)
    missing.push(`${motionGeneratorFolder}/motion_generator_hubert_chinese.pt (or iter_*.pt)`);
  if (missing.length > 0) {
    throw new ModelLoadError(
      from,
      `${missing.length} required file${missing.length === 1 ? ' is' : 's are'} missing: ${missing.join(', ')}. ` +
        `Run 'joyvasa fetch --to ${from}' to download them, or point --from at a complete pretrained_weights folder`,
    );
  }
  const missingOptional: string[] = [];
  const animalFiles = baseModels('liveportrait_animals');
  const missingAnimal = await missingOf(from, Object.values(animalFiles));
  missingOptional.push(...missingAnimal);
  const missingDetectors = await missingOf(from, Object.values(detectorFiles));
  missingOptional.push(...missingDetectors);
  const hubertPresent = await missingOf(from, hubertConfigFiles);
  const hubertConfig = hubertConfigFiles.find((path) => !hubertPresent.includes(path));
  if (!hubertConfig) missingOptional.push(hubertConfigFiles[0]!);
  return {
    human,
    stitching: stitchingFile,
    motionGenerator: motionGenerator!,
    template: templateFile,
    ...(missingAnimal.length === 0 ? { animal: animalFiles } : {}),
    ...(missingDetectors.length === 0 ? { detectors: detectorFiles } : {}),
    ...(hubertConfig ? { hubertConfig } : {}),
    missingOptional,
  };
}
