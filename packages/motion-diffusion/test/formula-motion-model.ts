/**
 * Test and benchmark fixture: the JoyVASA denoiser and audio projection built with formula weights and run
 * on onnxruntime-node (cpu). Not part of the package: the builder and the backend are dev dependencies only.
 */

import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { DenoiserV1, MotionModelSizes } from '@joyvasa/core';
import {
  buildAudioProjection,
  buildDenoiser,
  motionGeneratorConfig,
  type PositionalEncodingMode,
  readMotionStartTensors,
} from '@joyvasa/model-builder';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';
import {
  type AudioProjection,
  createAudioProjection,
  createOnnxDenoiser,
  type MotionStartFeatures,
} from '../src/index.js';

/** A formula-weight motion model ready for `sampleWindows` / `sampleMotion`. */
export interface FormulaMotionModel {
  readonly config: MotionModelSizes;
  readonly denoiser: DenoiserV1;
  readonly projection: AudioProjection;
  readonly startFeatures: MotionStartFeatures;
  /** Op types of the denoiser graph and their counts. */
  readonly opInventory: Record<string, number>;
  dispose(): Promise<void>;
}

/** A tiny config: 70-d motion (so templates apply), 8-frame windows, 3 frames of context, 5 steps. */
export const tinyMotionConfig = motionGeneratorConfig({
  modelDim: 16,
  layers: 1,
  heads: 2,
  mlpRatio: 2,
  windowFrames: 8,
  contextFrames: 3,
  diffusionSteps: 5,
  audioFeatureDim: 12,
});

/** Builds and loads the two graphs with formula weights of `seed`. */
export async function createFormulaMotionModel(
  config: MotionModelSizes = tinyMotionConfig,
  options: { positionalEncoding?: PositionalEncodingMode; threads?: number; seed?: string } = {},
): Promise<FormulaMotionModel> {
  const weights = createFormulaSource(options.seed ?? 'tiny');
  const backend = createOnnxNodeBackend();
  const graph = buildDenoiser(weights, config, {
    positionalEncoding: options.positionalEncoding ?? 'legacy',
  });
  const sessionOptions = { device: 'cpu', threads: options.threads ?? 1 } as const;
  const denoiserSession = await backend.createSession(graph.encode(), {
    ...sessionOptions,
    name: 'denoiser',
  });
  const projectionSession = await backend.createSession(buildAudioProjection(weights, config).encode(), {
    ...sessionOptions,
    name: 'audio_projection',
  });
  return {
    config,
    denoiser: createOnnxDenoiser({ session: denoiserSession, config }),
    projection: createAudioProjection(projectionSession),
    startFeatures: readMotionStartTensors(weights, config),
    opInventory: graph.opInventory(),
    async dispose() {
      await denoiserSession.dispose();
      await projectionSession.dispose();
    },
  };
}
