import { createOnnxAudioEncoder } from '@joyvasa/audio-encoder';
import {
  type AudioEncoderV1,
  type DenoiserV1,
  type GraphIo,
  graphIo,
  type MotionModelSizes,
  type SessionV1,
} from '@joyvasa/core';
import { createLivePortraitRenderer, type LivePortraitModels } from '@joyvasa/liveportrait';
import { createMlpRunner } from '@joyvasa/liveportrait/internal';
import {
  buildAppearanceFeatureExtractor,
  buildAudioProjection,
  buildDenoiser,
  buildHubertEncoder,
  buildMotionExtractor,
  buildRetargetingMlp,
  buildSpadeGenerator,
  buildWarpingModule,
  chineseHubertBaseConfig,
  readMotionStartTensors,
  retargetingMlpConfigs,
} from '@joyvasa/model-builder';
import {
  type AudioProjection,
  createAudioProjection,
  createOnnxDenoiser,
  type MotionStartFeatures,
} from '@joyvasa/motion-diffusion';
import type { GoldenContext } from '../golden-case.js';
import { moduleConfig } from './audio.js';
import { contextSession } from './golden-session.js';
import { goldenMotionConfig } from './motion.js';
import { referenceSampleRate } from './pipeline-stages.js';

/** Every network of the pipeline under the seed's formula weights, as the SDK's own objects. */
export interface PipelineNetworks {
  /** F, M, W + G, stitching and lip MLPs, no face models (the landmarks are the golden's). */
  readonly liveportrait: LivePortraitModels;
  readonly audioEncoder: AudioEncoderV1;
  readonly projection: AudioProjection;
  readonly denoiser: DenoiserV1;
  readonly startFeatures: MotionStartFeatures;
  readonly motionConfig: MotionModelSizes;
}

/**
 * Builds the networks the way the module cases do (keys as in the module vectors; the audio encoder as in
 * `audio/`; the positional encoding the pipeline manifest names), each graph encoded once.
 */
export async function buildPipelineNetworks(
  context: GoldenContext,
  positionalEncoding: 'legacy' | 'fixed',
): Promise<PipelineNetworks> {
  const top = 'manifest.json';
  const session = (model: Uint8Array, name: string, io: GraphIo): SessionV1 =>
    contextSession(context, model, `pipeline/${name}`, io);
  const weights = (module: string) => context.weights(top, module);
  const mlp = async (role: keyof typeof retargetingMlpConfigs) => {
    const model = buildRetargetingMlp(
      await weights(`stitching_retargeting_module.${role}`),
      retargetingMlpConfigs[role],
    ).encode();
    return createMlpRunner(session(model, role, graphIo.retargeting));
  };
  const appearance = session(
    buildAppearanceFeatureExtractor(await weights('appearance_feature_extractor')).encode(),
    'appearance_feature_extractor',
    graphIo.appearanceFeatureExtractor,
  );
  const motion = session(
    buildMotionExtractor(await weights('motion_extractor')).encode(),
    'motion_extractor',
    graphIo.motionExtractor,
  );
  const renderer = createLivePortraitRenderer({
    warping: session(
      buildWarpingModule(await weights('warping_module')).encode(),
      'warping_module',
      graphIo.warpingModule,
    ),
    generator: session(
      buildSpadeGenerator(await weights('spade_generator')).encode(),
      'spade_generator',
      graphIo.spadeGenerator,
    ),
  });
  const liveportrait: LivePortraitModels = {
    mode: 'human',
    appearance,
    motion,
    renderer,
    stitching: await mlp('stitching'),
    lip: await mlp('lip'),
    dispose: async () => {},
  };

  const hubertConfig = await moduleConfig(context, 'hubert_zh', chineseHubertBaseConfig);
  const hubert = buildHubertEncoder(await context.weights('audio/manifest.json', 'hubert_zh'), hubertConfig);
  const motionConfig = await goldenMotionConfig(context);
  const audioEncoder = createOnnxAudioEncoder({
    session: session(hubert.encode(), 'hubert_zh', graphIo.audioEncoder),
    id: 'hubert_zh',
    // The reference loads the audio with librosa at 16 kHz and gives the motion model one feature per frame.
    sampleRate: referenceSampleRate,
    featuresPerSecond: motionConfig.fps,
  });
  // Both encodings share the same state-dict keys, so the legacy module's formula weights serve either.
  const generatorWeights = await weights('motion_generator.denoising_net.pe_legacy');
  const denoiser = createOnnxDenoiser({
    session: session(
      buildDenoiser(generatorWeights, motionConfig, { positionalEncoding }).encode(),
      'denoiser',
      graphIo.denoiser,
    ),
    config: motionConfig,
  });
  const projection = createAudioProjection(
    session(
      buildAudioProjection(generatorWeights, motionConfig).encode(),
      'audio_projection',
      graphIo.audioProjection,
    ),
  );
  const startFeatures = readMotionStartTensors(generatorWeights, motionConfig);
  return { liveportrait, audioEncoder, projection, denoiser, startFeatures, motionConfig };
}
