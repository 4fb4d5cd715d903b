import {
  createDdimScheduler,
  type MotionChunk,
  type MotionGenerator,
  type SampleMotionOptions,
  sampleMotion,
} from '@joyvasa/motion-diffusion';

type Frame = MotionChunk['frames'][number];

/**
 * Runs every network of a live animation once, while the first window's audio is still arriving, and drops
 * the results. A GPU's first run of a graph picks its kernels (cuDNN's algorithm search, lazy allocations):
 * on the H200 that added 1.2–3.4 s to the first window's frames (docs/benchmarks.md). Offline runs skip it:
 * there the first run's cost is part of a long job, not a delay someone watches.
 *
 * One window of silence is sampled with the run's settings but a single step (the same graphs and shapes as
 * the run's windows), and `batch` of its frames go through the run's own `render`, so the keypoint driver,
 * warping, generator and paste-back each run once at the run's batch size.
 */
export async function warmUpLive(
  sampling: Omit<SampleMotionOptions, 'scheduler' | 'pcm' | 'pcmStream' | 'lookaheadFrames'>,
  generator: MotionGenerator,
  render: (frames: readonly Frame[]) => Promise<unknown>,
  batch: number,
): Promise<void> {
  const { windowFrames } = generator.denoiser.config;
  const sampleRate = sampling.audioEncoder?.sampleRate ?? 16000;
  const silence = new Float32Array(Math.round((windowFrames * sampleRate) / generator.config.fps));
  const scheduler = createDdimScheduler({ trainSteps: generator.config.diffusionSteps }, { steps: 1 });
  let frames: readonly Frame[] = [];
  for await (const chunk of sampleMotion({ ...sampling, pcm: silence, scheduler })) {
    if (frames.length === 0) frames = chunk.frames;
  }
  if (frames.length > 0) await render(frames.slice(0, batch));
}
