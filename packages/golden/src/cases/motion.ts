import {
  createTensor,
  type Float32Tensor,
  graphIo,
  type MotionModelSizes,
  type TensorLike,
} from '@joyvasa/core';
import {
  buildAudioProjection,
  buildDenoiser,
  motionGeneratorConfigFromArgs,
  type PositionalEncodingMode,
  readMotionStartTensors,
} from '@joyvasa/model-builder';
import {
  cosineSchedule,
  createAudioProjection,
  createDdpmScheduler,
  createOnnxDenoiser,
  sampleWindows,
} from '@joyvasa/motion-diffusion';
import {
  compareToGolden,
  type GoldenCase,
  type GoldenComparison,
  type GoldenContext,
  type GoldenManifest,
} from '../golden-case.js';
import { contextSession, formulaNoise } from './golden-session.js';

const manifestPath = 'manifest.json';
const denoiserModule = (mode: PositionalEncodingMode) => `motion_generator.denoising_net.pe_${mode}`;

/** The motion generator's config as a checkpoint would give it: `args` + layer count from the keys. */
export async function goldenMotionConfig(context: GoldenContext): Promise<MotionModelSizes> {
  const manifest = (await context.readJson(manifestPath)) as GoldenManifest;
  const module = manifest.modules[denoiserModule('legacy')]!;
  const keys = (module.state_dict ?? []).map((entry) => entry.key);
  return motionGeneratorConfigFromArgs(module.config ?? {}, keys);
}

function denoiserCase(mode: PositionalEncodingMode): GoldenCase {
  const module = denoiserModule(mode);
  return {
    manifestPath,
    modules: [module],
    async check(context) {
      const config = await goldenMotionConfig(context);
      const weights = await context.weights(manifestPath, module);
      const model = buildDenoiser(weights, config, { positionalEncoding: mode }).encode();
      const manifest = (await context.readJson(manifestPath)) as GoldenManifest;
      const steps = manifest.modules[module]!.inputs!.step as number[];
      const feeds = {
        x_t: await context.readArray('dit_x_t.npy'),
        audio_feat: await context.readArray('dit_audio_feat.npy'),
        prev_motion: await context.readArray('dit_prev_motion.npy'),
        prev_audio: await context.readArray('dit_prev_audio.npy'),
        step: createTensor('int64', [steps.length], BigInt64Array.from(steps, BigInt)),
      };
      const { x0 } = await context.run(model, feeds, module);
      return [compareToGolden(module, 'target', x0!, await context.readArray(`dit_target_pe_${mode}.npy`))];
    },
  };
}

/** The cosine schedule arrays against `sched_*.npy` (reported under the legacy denoiser module). */
const scheduleCase: GoldenCase = {
  manifestPath,
  modules: [denoiserModule('legacy')],
  async check(context) {
    const config = await goldenMotionConfig(context);
    const schedule = cosineSchedule(config.diffusionSteps);
    const arrays: Record<string, Float64Array> = {
      betas: schedule.betas,
      alphas: schedule.alphas,
      alpha_bars: schedule.alphaBars,
      sigmas_flex: schedule.sigmasFlex,
      sigmas_inflex: schedule.sigmasInflex,
    };
    const results = [];
    for (const [name, values] of Object.entries(arrays)) {
      const ours: Float32Tensor = createTensor('float32', [values.length], Float32Array.from(values));
      const golden = await context.readArray(`sched_${name}.npy`);
      results.push(compareToGolden('motion_generator.diffusion_sched', name, ours, golden));
    }
    return results;
  },
};

/** 50 Hz hidden states [1, 2·frames·windows, 768] → per-window 25 fps features (mean of frame pairs). */
function windowFeatures(hidden: TensorLike, windowFrames: number): Float32Tensor[] {
  const [, rows, width] = hidden.dims as [number, number, number];
  const data = hidden.data as Float32Array;
  const windows: Float32Tensor[] = [];
  for (let start = 0; start < rows; start += 2 * windowFrames) {
    const out = new Float32Array(windowFrames * width);
    for (let frame = 0; frame < windowFrames; frame++) {
      const a = (start + 2 * frame) * width;
      for (let c = 0; c < width; c++) out[frame * width + c] = (data[a + c]! + data[a + width + c]!) / 2;
    }
    windows.push(createTensor('float32', [windowFrames, width], out));
  }
  return windows;
}

function motionSampleCase(mode: PositionalEncodingMode): GoldenCase {
  const module = `motion_generator.sample.pe_${mode}`;
  return {
    manifestPath,
    modules: [module],
    async check(context) {
      const config = await goldenMotionConfig(context);
      const weights = await context.weights(manifestPath, denoiserModule(mode));
      const denoiserModel = buildDenoiser(weights, config, { positionalEncoding: mode }).encode();
      const projectionModel = buildAudioProjection(weights, config).encode();
      const denoiser = createOnnxDenoiser({
        session: contextSession(context, denoiserModel, `${module}/denoiser`, graphIo.denoiser),
        config,
      });
      const projection = createAudioProjection(
        contextSession(context, projectionModel, `${module}/projection`, graphIo.audioProjection),
      );
      const windows = sampleWindows({
        audioWindows: windowFeatures(await context.readArray('hubert_hidden.npy'), config.windowFrames),
        projection,
        denoiser,
        scheduler: createDdpmScheduler({ trainSteps: config.diffusionSteps }),
        startFeatures: readMotionStartTensors(weights, config),
        cfgScale: 2.8,
        noise: formulaNoise(context.seed),
      });
      const results: GoldenComparison[] = [];
      for await (const window of windows) {
        const prefix = `pe_${mode}_window${window.index}`;
        const asGolden = (tensor: Float32Tensor) => createTensor('float32', [1, ...tensor.dims], tensor.data);
        const audio = await context.readArray(`${prefix}_audio_feat.npy`);
        const motion = await context.readArray(`${prefix}_motion.npy`);
        results.push(
          compareToGolden(module, `window${window.index}_audio_feat`, asGolden(window.audio), audio),
        );
        results.push(
          compareToGolden(module, `window${window.index}_motion`, asGolden(window.motion), motion, 1e-3),
        );
      }
      return results;
    },
  };
}

/** Golden parity cases of the motion modules: schedule, one denoiser call, two sampled windows. */
export const motionCases: readonly GoldenCase[] = [
  scheduleCase,
  denoiserCase('legacy'),
  denoiserCase('fixed'),
  motionSampleCase('legacy'),
  motionSampleCase('fixed'),
];
