import {
  type AudioEncoderData,
  type BundleProvenance,
  bundleComponents,
  denoiserComponent,
  encodeTensorJson,
  type LocatorModelsData,
  type MotionGeneratorData,
  type MotionModelSizes,
  type TensorSpec,
} from '@joyvasa/core';
import { chineseHubertBaseConfig, type HubertConfig } from '../architectures/hubert/hubert-config.js';
import { buildHubertEncoder } from '../architectures/hubert/hubert-encoder.js';
import { buildAudioProjection } from '../architectures/joyvasa/build-audio-projection.js';
import { buildDenoiser } from '../architectures/joyvasa/build-denoiser.js';
import { readMotionStartTensors } from '../architectures/joyvasa/motion-start-features.js';
import {
  type AppearanceFeatureExtractorConfig,
  appearanceFeatureExtractorDefaultConfig,
  buildAppearanceFeatureExtractor,
} from '../architectures/liveportrait/appearance-feature-extractor.js';
import {
  buildMotionExtractor,
  type MotionExtractorConfig,
  motionExtractorDefaultConfig,
} from '../architectures/liveportrait/motion-extractor.js';
import { buildPasteBack } from '../architectures/liveportrait/paste-back-graph.js';
import { buildRendererGraph } from '../architectures/liveportrait/renderer-graph.js';
import { buildRetargetingMlp, retargetingMlpConfigs } from '../architectures/liveportrait/retargeting-mlp.js';
import {
  buildSpadeGenerator,
  type SpadeGeneratorConfig,
  spadeGeneratorDefaultConfig,
} from '../architectures/liveportrait/spade-generator.js';
import {
  buildWarpingModule,
  type WarpingModuleConfig,
  warpingModuleDefaultConfig,
} from '../architectures/liveportrait/warping-module.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { prefixedSource, type WeightSource } from '../weights/weight-source.js';
import type { BundlePlan, PlannedComponent } from './bundle-plan.js';
import { type RendererVariant, rendererVariantName, withRendererVariants } from './renderer-variants.js';

/** The weights of the four LivePortrait base networks (one `.pth` each in the official layout). */
export interface LivePortraitWeights {
  readonly appearanceFeatureExtractor: WeightSource;
  /** Keys with their `detector.` prefix, as stored. */
  readonly motionExtractor: WeightSource;
  readonly warpingModule: WeightSource;
  readonly spadeGenerator: WeightSource;
}

/** Network sizes: the official ones by default; the fixture bundle shrinks them. */
export interface LivePortraitSizes {
  readonly appearanceFeatureExtractor: AppearanceFeatureExtractorConfig;
  readonly motionExtractor: MotionExtractorConfig;
  readonly warpingModule: Omit<WarpingModuleConfig, 'gridSample'>;
  readonly spadeGenerator: SpadeGeneratorConfig;
}

/** The official network sizes. */
export const officialLivePortraitSizes: LivePortraitSizes = {
  appearanceFeatureExtractor: appearanceFeatureExtractorDefaultConfig,
  motionExtractor: motionExtractorDefaultConfig,
  warpingModule: warpingModuleDefaultConfig,
  spadeGenerator: spadeGeneratorDefaultConfig,
};

/** An ONNX model taken as it is (the InsightFace and LivePortrait landmark models). */
export interface ReadyModel {
  readonly bytes: Uint8Array;
  readonly inputs: Record<string, TensorSpec>;
  readonly outputs: Record<string, TensorSpec>;
}

/** Everything a JoyVASA bundle is made from. */
export interface JoyvasaBundleSources {
  readonly human: LivePortraitWeights;
  readonly animal?: LivePortraitWeights;
  /** `stitching_retargeting_module.pth`'s three MLPs (shared by both modes, as JoyVASA does). */
  readonly retargeting: {
    readonly stitching: WeightSource;
    readonly lip: WeightSource;
    readonly eye: WeightSource;
  };
  readonly motionGenerator: {
    /** The whole JoyVASA checkpoint state dict (denoiser, projection, start features, `audio_encoder.*`). */
    readonly weights: WeightSource;
    readonly config: MotionModelSizes;
    /** `motion_template.pkl`'s arrays by key. */
    readonly template: Readonly<Record<string, readonly number[]>>;
    readonly args?: Readonly<Record<string, unknown>>;
    /** The HuBERT configuration of the checkpoint's `audio_encoder.*` weights. */
    readonly audioConfig?: HubertConfig;
    readonly audioEncoderId?: string;
  };
  readonly detectors?: {
    readonly faceDetector: ReadyModel;
    readonly landmarks106: ReadyModel;
    readonly landmarks203: ReadyModel;
  };
  readonly sizes?: LivePortraitSizes;
  /**
   * Equivalent forms of the renderer (W+G as one graph) written beside the official one, by name
   * (`padded-folded+layer-norm`; see {@link parseRendererVariant}): a GPU times them at load and opens the
   * fastest. Default none: one form.
   */
  readonly rendererVariants?: readonly RendererVariant[];
  /** The licence-clean locator models (MediaPipe face, NanoDet animal) and their licence record. */
  readonly locators?: {
    readonly components: Readonly<Record<string, ReadyModel>>;
    readonly data: LocatorModelsData;
  };
}

/** W+G as one graph in the forms of `sizes`. */
function rendererGraph(weights: LivePortraitWeights, sizes: LivePortraitSizes) {
  return buildRendererGraph(
    { warping: weights.warpingModule, generator: weights.spadeGenerator },
    { warping: { ...sizes.warpingModule, gridSample: 'native' }, generator: sizes.spadeGenerator },
  );
}

/** The renderer's equivalent forms other than the official one, as planned variants. */
function rendererVariantForms(
  weights: LivePortraitWeights,
  sizes: LivePortraitSizes,
  prefix: string,
  variants: readonly RendererVariant[],
): PlannedComponent['variants'] {
  const forms = variants
    .map((variant) => ({ name: rendererVariantName(variant), variant }))
    .filter(({ name }) => name !== 'official');
  if (forms.length === 0) return undefined;
  return Object.fromEntries(
    forms.map(({ name, variant }) => [
      name,
      {
        build: () => rendererGraph(weights, withRendererVariants(sizes, variant)),
        file: `${prefix}${bundleComponents.renderer}.${name}.onnx`,
      },
    ]),
  );
}

function livePortraitComponents(
  weights: LivePortraitWeights,
  sizes: LivePortraitSizes,
  prefix: string,
  rendererVariants: readonly RendererVariant[] = [],
) {
  // WebGPU variants: no 5-D GridSample (Gather sampling) and Conv3D as Conv2D sums (its Conv3D is naive).
  const warping = (webgpu: boolean) => () =>
    buildWarpingModule(weights.warpingModule, {
      ...sizes.warpingModule,
      gridSample: webgpu ? 'gather' : 'native',
      conv3dAsConv2d: webgpu,
    });
  const appearance = (webgpu: boolean) => () =>
    buildAppearanceFeatureExtractor(weights.appearanceFeatureExtractor, {
      ...sizes.appearanceFeatureExtractor,
      conv3dAsConv2d: webgpu,
    });
  const forms = rendererVariantForms(weights, sizes, prefix, rendererVariants);
  const components: Record<string, PlannedComponent> = {
    [`${prefix}${bundleComponents.appearanceFeatureExtractor}`]: {
      build: appearance(false),
      devices: {
        webgpu: {
          build: appearance(true),
          file: `${prefix}${bundleComponents.appearanceFeatureExtractor}.webgpu.onnx`,
        },
      },
    },
    [`${prefix}${bundleComponents.motionExtractor}`]: {
      build: () => buildMotionExtractor(weights.motionExtractor, sizes.motionExtractor),
    },
    [`${prefix}${bundleComponents.warpingModule}`]: {
      build: warping(false),
      float16: true,
      devices: {
        webgpu: { build: warping(true), file: `${prefix}${bundleComponents.warpingModule}.webgpu.onnx` },
      },
    },
    [`${prefix}${bundleComponents.spadeGenerator}`]: {
      build: () => buildSpadeGenerator(weights.spadeGenerator, sizes.spadeGenerator),
      float16: true,
    },
    // W+G in one graph: the warped features never leave the device. No WebGPU variant: there the loader
    // keeps W's Gather variant and G.
    [`${prefix}${bundleComponents.renderer}`]: {
      build: () => rendererGraph(weights, sizes),
      float16: true,
      ...(forms ? { variants: forms } : {}),
    },
  };
  return components;
}

function ready(model: ReadyModel): PlannedComponent {
  return { build: () => ({ bytes: model.bytes, inputs: model.inputs, outputs: model.outputs }) };
}

/** The bundle plan of a JoyVASA model: which graph each component is and what goes into `data`. */
export function planJoyvasaBundle(
  sources: JoyvasaBundleSources,
  meta: { readonly name: string; readonly version: string; readonly provenance: BundleProvenance },
): BundlePlan {
  const sizes = sources.sizes ?? officialLivePortraitSizes;
  const motion = sources.motionGenerator;
  const audioWeights = prefixedSource(motion.weights, 'audio_encoder.');
  const audioConfig = motion.audioConfig ?? chineseHubertBaseConfig;
  const mlp = (weights: WeightSource, role: keyof typeof retargetingMlpConfigs): PlannedComponent => ({
    build: (): GraphBuilder => buildRetargetingMlp(weights, retargetingMlpConfigs[role]),
  });
  const start = readMotionStartTensors(motion.weights, motion.config);
  const motionData: MotionGeneratorData = {
    config: motion.config,
    startFeatures: {
      startMotion: encodeTensorJson(start.startMotion),
      startAudio: encodeTensorJson(start.startAudio),
      nullAudio: encodeTensorJson(start.nullAudio),
    },
    template: motion.template,
    args: motion.args,
  };
  const audioData: AudioEncoderData = {
    id: motion.audioEncoderId ?? 'hubert-zh',
    featureDim: audioConfig.hiddenSize,
    sampleRate: 16000,
    featuresPerSecond: motion.config.fps,
  };
  const components: Record<string, PlannedComponent> = {
    ...livePortraitComponents(sources.human, sizes, '', sources.rendererVariants),
    ...(sources.animal
      ? livePortraitComponents(sources.animal, sizes, 'animal_', sources.rendererVariants)
      : {}),
    [bundleComponents.stitching]: mlp(sources.retargeting.stitching, 'stitching'),
    [bundleComponents.retargetLip]: mlp(sources.retargeting.lip, 'lip'),
    [bundleComponents.retargetEye]: mlp(sources.retargeting.eye, 'eye'),
    // Paste-back on the device (used on GPUs, where the host would otherwise be the bottleneck).
    [bundleComponents.pasteBack]: { build: () => buildPasteBack() },
    [bundleComponents.audioEncoder]: { build: () => buildHubertEncoder(audioWeights, audioConfig) },
    [bundleComponents.audioProjection]: { build: () => buildAudioProjection(motion.weights, motion.config) },
    [denoiserComponent('legacy')]: {
      build: () => buildDenoiser(motion.weights, motion.config, { positionalEncoding: 'legacy' }),
    },
    [denoiserComponent('fixed')]: {
      build: () => buildDenoiser(motion.weights, motion.config, { positionalEncoding: 'fixed' }),
    },
    ...(sources.detectors
      ? {
          [bundleComponents.faceDetector]: ready(sources.detectors.faceDetector),
          [bundleComponents.faceLandmarks106]: ready(sources.detectors.landmarks106),
          [bundleComponents.faceLandmarks203]: ready(sources.detectors.landmarks203),
        }
      : {}),
    ...Object.fromEntries(
      Object.entries(sources.locators?.components ?? {}).map(([name, model]) => [name, ready(model)]),
    ),
  };
  return {
    ...meta,
    components,
    data: {
      motionGenerator: motionData,
      audioEncoder: audioData,
      liveportrait: { modes: sources.animal ? ['human', 'animal'] : ['human'] },
      ...(sources.locators ? { locators: sources.locators.data } : {}),
    },
  };
}
