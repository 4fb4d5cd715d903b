/**
 * The timed steps of `bench-render.ts`: W then G through the host, W then G on the device, and the loop that
 * runs a step after its warm-ups. Times in milliseconds of the caller's clock (`now`).
 */
import type { SessionFeed, SessionV1 } from '@joyvasa/core';

type Feeds = Record<string, SessionFeed>;
type Clock = () => number;

/** Warm-up runs (not timed), then `runs` timed runs of `step`, which returns its stages' times. */
export async function timeRuns<K extends string>(
  warmups: number,
  runs: number,
  step: () => Promise<Record<K, number>>,
): Promise<Record<K, number[]>> {
  const times = {} as Record<K, number[]>;
  for (let run = 0; run < warmups + runs; run++) {
    const taken = await step();
    if (run < warmups) continue;
    for (const [stage, ms] of Object.entries(taken) as [K, number][]) (times[stage] ??= []).push(ms);
  }
  return times;
}

/** W then G, W's output (`out` only, as the renderer fetches it) through the host: W, G and W+G. */
export function splitStep(now: Clock, warping: SessionV1, generator: SessionV1, input: Feeds) {
  return async () => {
    const start = now();
    const { out } = await warping.run(input, { outputs: ['out'] });
    const middle = now();
    await generator.run({ feature: out! });
    const end = now();
    return { W: middle - start, G: end - middle, 'W+G': end - start };
  };
}

/** W then G, W's output handed to G on the device (`runToDevice`), then freed. */
export function deviceStep(now: Clock, warping: SessionV1, generator: SessionV1, input: Feeds) {
  return async () => {
    const start = now();
    const { out } = await warping.runToDevice!(input, { outputs: ['out'] });
    try {
      await generator.run({ feature: out! });
    } finally {
      await out?.dispose();
    }
    return { 'W→G on device': now() - start };
  };
}
