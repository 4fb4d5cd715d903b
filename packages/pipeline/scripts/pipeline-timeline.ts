/**
 * The whole pipeline's frame rate at one render batch, its first frame on a warmed head, and the timeline of
 * one batch: each stage's share of the wall time, from the session times a {@link TimedBackend} recorded
 * during the run. Uses only APIs the baseline SDK has too (bench-gpu.ts is bundled against both).
 */
import type { BackendV1, Device, RgbImage } from '@joyvasa/core';
import { GraphBuilder } from '@joyvasa/model-builder/onnx';
import type { ComponentTotals, TimedBackend } from './timed-backend.js';

/** The part of a talking head the measurement drives. */
interface Head {
  stream(
    input: { image: RgbImage; audio: { pcm: Float32Array; sampleRate: number } },
    options: { renderBatch: number },
  ): AsyncIterable<{ type: string }>;
  warmUp(image: RgbImage, options: { renderBatch: number }): Promise<void>;
}

/** Which components make each stage of the timeline; the others run once per source. */
const stages: Record<string, readonly string[]> = {
  motion: ['audio_encoder', 'audio_projection', 'denoiser', 'denoiser_pe_fixed'],
  'driver + stitching': ['stitching'],
  'W+G': ['renderer', 'warping_module', 'spade_generator'],
  'paste-back': ['paste_back'],
};
const perFrameComponents = Object.values(stages).flat();

/** One render batch's figures. */
export interface BatchRun {
  renderBatch: number;
  frames: number;
  totalMs: number;
  firstFrameMs: number;
  steadyFramesPerSecond: number;
  /** First frame after `stream()` on a head that `warmUp` has just warmed, ms. */
  warmFirstFrameMs: number;
  /** ms per batch of N frames: each stage, `host` (the rest of the wall time), and `transfers` (estimated). */
  timeline: Record<string, number>;
  components: Record<string, ComponentTotals>;
}

/**
 * Host ↔ device copy time per byte: an Identity graph on `frames` 512² float32 images, in and back out
 * (median of `runs`). On the CPU it is a memory copy.
 */
export async function measureTransferRate(backend: BackendV1, device: Device, runs = 10): Promise<number> {
  const g = new GraphBuilder('identity');
  const x = g.input('x', 'float32', ['n']);
  g.output(g.op('Identity', [x]), 'y', 'float32', ['n']);
  const session = await backend.createSession(g.encode(), { device, name: 'identity' });
  const data = new Float32Array(8 * 3 * 512 * 512).fill(0.5);
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = performance.now();
    await session.run({ x: { type: 'float32', dims: [data.length], data } });
    if (i >= 2) times.push(performance.now() - start);
  }
  await session.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]! / (2 * data.byteLength);
}

function timeline(
  components: Record<string, ComponentTotals>,
  wallMs: number,
  frames: number,
  batch: number,
  msPerByte: number,
): Record<string, number> {
  const perBatch = (ms: number) => (ms / frames) * batch;
  const result: Record<string, number> = {};
  let sessions = 0;
  let bytes = 0;
  for (const [stage, names] of Object.entries(stages)) {
    const ms = names.reduce((sum, name) => sum + (components[name]?.ms ?? 0), 0);
    result[stage] = perBatch(ms);
    sessions += ms;
  }
  for (const name of perFrameComponents) {
    if (stages.motion!.includes(name) || !components[name]) continue;
    bytes += components[name]!.bytesIn + components[name]!.bytesOut;
  }
  result.host = perBatch(wallMs - sessions);
  result['transfers (in the stages above)'] = perBatch(bytes * msPerByte);
  result.wall = perBatch(wallMs);
  return result;
}

/** Streams the input at one render batch on a warm head and measures it (see {@link BatchRun}). */
export async function measureBatch(
  head: Head,
  timed: TimedBackend,
  input: { image: RgbImage; audio: { pcm: Float32Array; sampleRate: number } },
  renderBatch: number,
  msPerByte: number,
): Promise<BatchRun> {
  await head.warmUp(input.image, { renderBatch });
  let warmFirstFrameMs = 0;
  const warmStart = performance.now();
  for await (const event of head.stream(input, { renderBatch })) {
    if (event.type !== 'frame') continue;
    warmFirstFrameMs = performance.now() - warmStart;
    break;
  }
  timed.reset();
  const start = performance.now();
  let [frames, firstFrame, lastFrame] = [0, 0, 0];
  for await (const event of head.stream(input, { renderBatch })) {
    if (event.type !== 'frame') continue;
    frames++;
    lastFrame = performance.now() - start;
    if (frames === 1) firstFrame = lastFrame;
  }
  const totalMs = performance.now() - start;
  const components = structuredClone(timed.totals());
  // The timeline covers the frames after the first, as the frame rate does: the per-source work is out.
  const steadyMs = lastFrame - firstFrame;
  const perSource = Object.entries(components)
    .filter(([name]) => !perFrameComponents.includes(name))
    .reduce((sum, [, totals]) => sum + totals.ms, 0);
  return {
    renderBatch,
    frames,
    totalMs,
    firstFrameMs: firstFrame,
    steadyFramesPerSecond: ((frames - 1) / steadyMs) * 1000,
    warmFirstFrameMs,
    timeline: timeline(components, totalMs - perSource, frames, renderBatch, msPerByte),
    components,
  };
}

/** One line per stage: ms per batch and share of the wall time. */
export function formatTimeline(run: BatchRun): string {
  const wall = run.timeline.wall!;
  return Object.entries(run.timeline)
    .map(
      ([stage, ms]) =>
        `    ${stage.padEnd(32)} ${ms.toFixed(2).padStart(9)} ms  ${((100 * ms) / wall).toFixed(1).padStart(5)} %`,
    )
    .join('\n');
}
