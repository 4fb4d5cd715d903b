/**
 * Benchmark of the motion sampler on onnxruntime-node (cpu) with the full-size denoiser (formula weights,
 * d 256, 8 layers): ms per denoiser call at batch 2 (guidance on), and seconds of sampling per second of
 * audio for the official DDPM sampler (50 steps per 4-second window) and the DDIM variant.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/motion-diffusion/scripts/bench-sampler.ts \
 *     [--threads 2] [--calls 20] [--windows 1] [--ddim-steps 10]
 *
 * Prints figures only; nothing is asserted.
 */
import { parseArgs } from 'node:util';
import { createTensor, type Float32Tensor, type SchedulerV1 } from '@joyvasa/core';
import { releasedMotionGeneratorConfig } from '@joyvasa/model-builder';
import { createDdimScheduler, createDdpmScheduler, sampleWindows } from '../src/index.js';
import { createFormulaMotionModel, type FormulaMotionModel } from '../test/formula-motion-model.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    calls: { type: 'string', default: '20' },
    windows: { type: 'string', default: '1' },
    'ddim-steps': { type: 'string', default: '10' },
  },
});
const threads = Number(values.threads);
const calls = Number(values.calls);
const windowCount = Number(values.windows);
const ddimSteps = Number(values['ddim-steps']);
const config = releasedMotionGeneratorConfig;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function filled(dims: number[], phase: number): Float32Tensor {
  const size = dims.reduce((a, b) => a * b);
  return createTensor(
    'float32',
    dims,
    Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.013 + phase)),
  );
}

async function timeCalls(model: FormulaMotionModel): Promise<number[]> {
  const { windowFrames: w, contextFrames: c, motionDim: m, modelDim: d } = config;
  const input = {
    sample: filled([2, w, m], 0),
    audio: filled([2, w, d], 1),
    previousMotion: filled([2, c, m], 2),
    previousAudio: filled([2, c, d], 3),
    timestep: createTensor('int64', [2], BigInt64Array.from([25n, 25n])),
  };
  for (let i = 0; i < 3; i++) await model.denoiser.denoise(input);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await model.denoiser.denoise(input);
    times.push(performance.now() - start);
  }
  return times;
}

async function timeSampling(model: FormulaMotionModel, scheduler: SchedulerV1): Promise<number> {
  const features = Array.from({ length: windowCount }, (_, i) => filled([config.windowFrames, 768], i));
  const start = performance.now();
  for await (const _ of sampleWindows({
    audioWindows: features,
    projection: model.projection,
    denoiser: model.denoiser,
    scheduler,
    startFeatures: model.startFeatures,
    cfgScale: 2.8,
    seed: 1,
  })) {
    // Consume each window as it is produced.
  }
  return (performance.now() - start) / 1000;
}

const buildStart = performance.now();
const model = await createFormulaMotionModel(config, { threads, seed: 'bench' });
console.log(
  `denoiser d=${config.modelDim}, ${config.layers} layers, ${config.heads} heads; onnxruntime-node cpu, ${threads} threads`,
);
console.log(`build + session creation: ${((performance.now() - buildStart) / 1000).toFixed(2)} s`);
console.log(`op inventory: ${JSON.stringify(model.opInventory)}`);

const times = await timeCalls(model);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(
  `denoiser call, batch 2: median ${median(times).toFixed(1)} ms, mean ${mean.toFixed(1)} ms (${calls} calls)`,
);

const audioSeconds = (windowCount * config.windowFrames) / config.fps;
const ddpm = await timeSampling(model, createDdpmScheduler({ trainSteps: config.diffusionSteps }));
console.log(
  `DDPM ${config.diffusionSteps} steps (official): ${ddpm.toFixed(2)} s for ${audioSeconds} s of audio = ` +
    `${(ddpm / audioSeconds).toFixed(3)} s per second of audio`,
);
const ddim = await timeSampling(
  model,
  createDdimScheduler({ trainSteps: config.diffusionSteps }, { steps: ddimSteps }),
);
console.log(
  `DDIM ${ddimSteps} steps (not official): ${ddim.toFixed(2)} s for ${audioSeconds} s of audio = ` +
    `${(ddim / audioSeconds).toFixed(3)} s per second of audio`,
);
await model.dispose();
