import { createTensor, type Float32Tensor, type MotionFrame } from '@joyvasa/core';
import { createKeypointDriver, keypointCount, rotationMatrix } from '@joyvasa/liveportrait/internal';
import {
  createDdpmScheduler,
  createMotionDecoder,
  keptFrames,
  motionVectorLength,
  planAudioWindows,
  sampleWindows,
  windowSamples,
} from '@joyvasa/motion-diffusion';
import { compareToGolden, type GoldenComparison } from '../golden-case.js';
import { formulaNoise } from './golden-session.js';
import { pipelineTolerances } from './pipeline-compare.js';
import { goldenKeypointInfo, keypointValues, readGolden, type StageContext } from './pipeline-stages.js';

const float32 = (dims: readonly number[], data: ArrayLike<number>) =>
  createTensor('float32', dims, Float32Array.from(data));
const withBatch = (tensor: Float32Tensor) => createTensor('float32', [1, ...tensor.dims], tensor.data);

/** The window plan of the golden audio, from the motion generator's configuration. */
export function audioPlan(stage: StageContext) {
  const config = stage.networks.motionConfig;
  return planAudioWindows(stage.inputs.pcm.length, {
    sampleRate: stage.networks.audioEncoder.sampleRate,
    windowFrames: config.windowFrames,
    fps: config.fps,
    padMode: config.padMode,
  });
}

/** The sampler of a variant: the official DDPM over every step, its guidance scale, formula noise. */
export function variantSampler(stage: StageContext) {
  const { networks } = stage;
  return {
    projection: networks.projection,
    denoiser: networks.denoiser,
    scheduler: createDdpmScheduler({ trainSteps: networks.motionConfig.diffusionSteps }),
    startFeatures: networks.startFeatures,
    cfgScale: stage.variant.arguments.cfg_scale,
    noise: formulaNoise(stage.context.seed),
  };
}

/**
 * motion: audio.npy → each window's audio and indicator (our window plan), the projected features of
 * the golden window audio, and the sampled windows under formula noise (chained as the official loop).
 */
export async function motionStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}motion`;
  const plan = audioPlan(stage);
  const golden = stage.variant.motion.windows;
  const rows: GoldenComparison[] = [
    countRow(module, 'window_count', plan.windowCount, golden.length),
    countRow(module, 'frame_count', plan.frameCount, stage.variant.motion.n_frames),
  ];
  const features: Float32Tensor[] = [];
  for (const [index, files] of golden.entries()) {
    const audioIn = await readGolden(stage, files.audio_in);
    rows.push(
      compareToGolden(
        module,
        `window${index}_audio_in`,
        float32([1, plan.windowSamples], windowSamples(stage.inputs.pcm, plan, index)),
        audioIn,
      ),
    );
    const indicator = Array.from({ length: plan.windowFrames }, (_, i) =>
      i < keptFrames(plan, index) ? 1 : 0,
    );
    rows.push(
      compareToGolden(
        module,
        `window${index}_indicator`,
        float32([1, plan.windowFrames], indicator),
        await readGolden(stage, files.indicator),
      ),
    );
    features.push(await stage.networks.audioEncoder.encode(audioIn.data as Float32Array));
  }
  for await (const window of sampleWindows({ ...variantSampler(stage), audioWindows: features })) {
    const files = golden[window.index]!;
    const name = `window${window.index}`;
    rows.push(
      compareToGolden(
        module,
        `${name}_audio_feat`,
        withBatch(window.audio),
        await readGolden(stage, files.audio_feat),
      ),
    );
    rows.push(
      compareToGolden(
        module,
        `${name}_motion`,
        withBatch(window.motion),
        await readGolden(stage, files.motion),
        pipelineTolerances.motionWindow,
      ),
    );
  }
  return rows;
}

function countRow(module: string, output: string, actual: number, expected: number): GoldenComparison {
  const error = Math.abs(actual - expected);
  const note = error === 0 ? undefined : `ours ${actual}, the golden ${expected}`;
  return { module, output, maxAbsError: error, tolerance: 0, passed: error === 0, ...(note ? { note } : {}) };
}

/** The driving motion of the golden windows: the kept frames de-normalised and smoothed as the variant ran. */
export async function decodeGoldenWindows(stage: StageContext): Promise<MotionFrame[]> {
  const plan = audioPlan(stage);
  const decoder = createMotionDecoder(stage.inputs.template, {
    smoothing: stage.variant.arguments.is_smooth_motion,
  });
  const frames: MotionFrame[] = [];
  for (const [index, files] of stage.variant.motion.windows.entries()) {
    const motion = (await readGolden(stage, files.motion)).data as Float32Array;
    frames.push(...decoder.decode(motion.subarray(0, keptFrames(plan, index) * motionVectorLength)));
  }
  return frames;
}

/** driving: the golden windows and the template → per-frame exp, scale, t, angles and R. */
export async function drivingStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}driving`;
  const frames = await decodeGoldenWindows(stage);
  const n = frames.length;
  const gather = (pick: (frame: MotionFrame) => ArrayLike<number>, width: number) => {
    const out = new Float32Array(n * width);
    for (const [i, frame] of frames.entries()) out.set(pick(frame), i * width);
    return out;
  };
  const golden = stage.variant.motion;
  // Each golden array: its per-frame values and its dims after the frame axis.
  const fields: Record<
    'exp' | 'scale' | 't' | 'pitch' | 'yaw' | 'roll' | 'R',
    [(frame: MotionFrame) => ArrayLike<number>, number[]]
  > = {
    exp: [(f) => f.exp, [keypointCount, 3]],
    scale: [(f) => [f.scale], [1]],
    t: [(f) => f.t, [3]],
    pitch: [(f) => [f.pitch], [1]],
    yaw: [(f) => [f.yaw], [1]],
    roll: [(f) => [f.roll], [1]],
    R: [(f) => rotationMatrix(f.pitch, f.yaw, f.roll), [3, 3]],
  };
  const actual = Object.fromEntries(
    Object.entries(fields).map(([name, [pick, dims]]) => {
      const width = dims.reduce((a, b) => a * b, 1);
      return [name, float32([n, ...dims], gather(pick, width))];
    }),
  );
  const rows: GoldenComparison[] = [];
  for (const [name, tensor] of Object.entries(actual)) {
    rows.push(
      compareToGolden(module, name, tensor, await readGolden(stage, golden[name as keyof typeof fields])),
    );
  }
  return rows;
}

/**
 * The golden driving motion of every frame, as the keypoint driver takes it: the head pose as the golden
 * angles (the driving stage checks our rotation of them against the golden R).
 */
async function goldenDrivingFrames(stage: StageContext): Promise<MotionFrame[]> {
  const m = stage.variant.motion;
  const [exp, scale, t, pitch, yaw, roll] = await Promise.all(
    [m.exp, m.scale, m.t, m.pitch, m.yaw, m.roll].map((file) => readGolden(stage, file)),
  );
  const count = scale!.data.length;
  const rows = (tensor: typeof exp, width: number, i: number) =>
    (tensor!.data as Float32Array).subarray(i * width, (i + 1) * width);
  return Array.from({ length: count }, (_, i) => ({
    exp: rows(exp, keypointValues, i),
    scale: scale!.data[i] as number,
    t: rows(t, 3, i),
    pitch: pitch!.data[i] as number,
    yaw: yaw!.data[i] as number,
    roll: roll!.data[i] as number,
  }));
}

/** The keypoint driver of a variant's configuration over a source's keypoint info and lip delta. */
export function variantDriver(
  stage: StageContext,
  info: Parameters<typeof createKeypointDriver>[0],
  lipDelta: ArrayLike<number> | null,
) {
  const config = stage.variant.inference_config;
  return createKeypointDriver(info, {
    region: config.animation_region,
    relativeMotion: config.flag_relative_motion,
    drivingOption: config.driving_option,
    drivingMultiplier: config.driving_multiplier,
    lipDelta,
    ...(config.flag_stitching ? { stitching: stage.networks.liveportrait.stitching } : {}),
  });
}

/** keypoints: the golden driving motion, x_s, keypoint info and lip delta → x_d of every frame. */
export async function keypointStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}keypoints`;
  const info = await goldenKeypointInfo(stage);
  const lipFile = stage.variant.lip_normalisation?.lip_delta_before_animation;
  const lipDelta = lipFile ? ((await readGolden(stage, lipFile)).data as Float32Array) : null;
  const driver = variantDriver(stage, info, lipDelta);
  const frames = await goldenDrivingFrames(stage);
  const out = new Float32Array(frames.length * keypointValues);
  for (const [i, frame] of frames.entries()) out.set(await driver.drive(frame), i * keypointValues);
  return [
    compareToGolden(
      module,
      'x_d',
      float32([frames.length, keypointCount, 3], out),
      await readGolden(stage, stage.variant.keypoints.x_d),
    ),
  ];
}
