import type { FrameEvent, TalkingHeadEvent } from '@joyvasa/pipeline';
import { describe, expect, it } from 'vitest';
import { liveFps } from './live-codecs.js';
import { type LiveSessionOptions, type LiveTick, livePacing, startLiveSession } from './live-session.js';

const image = { width: 16, height: 16, channels: 3, data: new Uint8Array(16 * 16 * 3) } as const;
const tickMs = 1000 / liveFps;
/** How early a timer may fire against `performance.now()`. */
const timerGrainMs = 1;

/**
 * A head whose `stream()` makes its first frame `firstFrameMs` after it is called, then frames in batches
 * of 4 at twice real time, until the session stops it.
 */
function scriptedHead(firstFrameMs: number): LiveSessionOptions['head'] {
  return {
    stream: (_input, options) =>
      (async function* (): AsyncGenerator<TalkingHeadEvent> {
        // The video encoder starts at source-ready, as with the real pipeline.
        yield { type: 'source-ready', width: 16, height: 16, cropMethod: 'none', facesFound: 0 };
        yield { type: 'motion-chunk', startFrame: 0, frames: [], totalFrames: 0, fps: liveFps };
        await new Promise((resolve) => setTimeout(resolve, firstFrameMs));
        for (let index = 0; !options?.signal?.aborted; index++) {
          const frame: FrameEvent = { type: 'frame', index, time: index / liveFps, image };
          yield frame;
          if (index % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 2 * tickMs));
        }
      })(),
  };
}

/** Runs a session on the scripted head until `count` ticks were sent; returns them and the session's start. */
async function sentTicks(
  options: Pick<LiveSessionOptions, 'latencyMs' | 'startDelayMs'>,
  firstFrameMs: number,
  count: number,
): Promise<{ ticks: LiveTick[]; startedAtMs: number }> {
  const session = startLiveSession({ head: scriptedHead(firstFrameMs), image: new Uint8Array(), ...options });
  const ticks: LiveTick[] = [];
  await new Promise<void>((resolve, reject) => {
    session.onTick = (tick) => {
      if (ticks.push(tick) === count) resolve();
    };
    session.done.then(() => reject(new Error('the session ended before its ticks')), reject);
  });
  await session.close();
  return { ticks, startedAtMs: session.startedAtMs };
}

describe('a live session at a fixed latency', () => {
  it('sends tick k no earlier than its start + k/25 s + latencyMs, from tick 0 when the frame is in time', async () => {
    const latencyMs = 300;
    const { ticks, startedAtMs } = await sentTicks({ latencyMs }, 50, 4);
    expect(ticks.map((t) => t.tick)).toEqual([0, 1, 2, 3]);
    for (const t of ticks) {
      // (A frame is not sent while the VP8 encoder still starts: then the tick sends its audio only.)
      if (t.frameIndex !== undefined) expect(t.frameIndex).toBe(t.tick);
      // Less a millisecond: Node's timers run on libuv's millisecond clock and may fire a fraction of a
      // millisecond before `performance.now()` reaches their time (a CI run read 12 µs early).
      expect(t.sentAtMs).toBeGreaterThanOrEqual(startedAtMs + t.tick * tickMs + latencyMs - timerGrainMs);
    }
  });

  it('drops the frames a slow first window made after their ticks, instead of delaying every tick', async () => {
    // The first frame comes 400 ms in, with a latency of 100 ms: ticks 0–7 have passed by then, and the
    // frames after them come late for their ticks until the renderer has caught up (frame 15 or so).
    const { ticks } = await sentTicks({ latencyMs: 100 }, 400, 3);
    expect(ticks[0]!.tick).toBeGreaterThanOrEqual(8);
    expect(ticks.map((t) => t.tick - ticks[0]!.tick)).toEqual([0, 1, 2]);
    // Paced from the first frame (the default), the same run starts at tick 0 and every tick waits.
    const paced = await sentTicks({}, 400, 3);
    expect(paced.ticks.map((t) => t.tick)).toEqual([0, 1, 2]);
  });

  it('refuses a latency with a start delay, a negative one and one that is not a number', () => {
    expect(() => livePacing({ latencyMs: 300, startDelayMs: 0 })).toThrow(/latencyMs .* or startDelayMs/);
    expect(() => livePacing({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => livePacing({ startDelayMs: Number.NaN })).toThrow(/startDelayMs/);
    expect(livePacing({ latencyMs: 250 })).toEqual({ latencyMs: 250, startDelayMs: 0 });
  });
});
