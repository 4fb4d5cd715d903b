import { AudioStreamError, type PcmChunk } from '@joyvasa/audio-encoder';
import { InvalidInputError, isAbortError } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cheapRenderer } from '../../test/cheap-renderer.js';
import {
  collectEvents,
  createFixtureWorkspace,
  type FixtureWorkspace,
  frameHashes,
  framesOf,
  motionOf,
  openFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../../test/synthetic-media.js';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import type { NodeTalkingHead } from './create-talking-head.js';

const fixture = {} as { workspace: FixtureWorkspace; head: NodeTalkingHead };
beforeAll(async () => {
  fixture.workspace = await createFixtureWorkspace();
  fixture.head = await openFixtureHead(fixture.workspace.bundle, { renderer: cheapRenderer(64) });
});
afterAll(async () => {
  await fixture.head?.dispose();
  await fixture.workspace?.cleanup();
});
const image = texturedImage(160, 160);
// Fast settings: the stream path is what is tested, not the sampler's step count.
const options = { sampler: { ddim: 2 }, pasteBack: false, stitching: false } as const;

/** Interleaved 16-bit stereo of a mono signal (both channels equal, so the mixdown is the signal). */
function stereoInt16(pcm: Float32Array): Int16Array {
  const out = new Int16Array(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out[2 * i] = out[2 * i + 1] = Math.round(pcm[i]! * 32767);
  return out;
}

/** `samples` as a stream cut into pseudo-random chunk sizes up to `max`. */
async function* randomChunks<T extends Float32Array | Int16Array>(samples: T, seed: number, max: number) {
  let state = seed;
  for (let at = 0; at < samples.length; ) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const size = Math.min(state % (max + 1), samples.length - at);
    yield samples.slice(at, at + size) as T;
    at += size;
  }
}

const endOf = (events: readonly TalkingHeadEvent[]) => events.find((e) => e.type === 'stream-end');

describe('stream() with an audio stream', () => {
  // 0.37 s: shorter than a window; 3.88 s: with the 1920 samples of padding exactly one window; 8.3 s:
  // three windows, the last partial.
  for (const seconds of [0.37, 3.88, 8.3]) {
    it(`gives the motion and frames of the whole audio for ${seconds} s cut into random chunks`, async () => {
      const pcm = chirp(seconds, 48000);
      const streamed = await collectEvents(
        fixture.head.stream(
          {
            image,
            audio: { stream: randomChunks(stereoInt16(pcm), 7, 9000), sampleRate: 48000, channels: 2 },
          },
          options,
        ),
      );
      const reference = await collectEvents(
        fixture.head.stream(
          {
            image,
            audio: {
              // What the stereo 16-bit stream holds, as mono floats.
              pcm: Float32Array.from(
                stereoInt16(pcm).filter((_, i) => i % 2 === 0),
                (v) => v / 32768,
              ),
              sampleRate: 48000,
            },
          },
          options,
        ),
      );
      expect(motionOf(streamed)).toEqual(motionOf(reference));
      expect(frameHashes(streamed)).toEqual(frameHashes(reference));
      expect(framesOf(streamed).map((f) => f.time)).toEqual(framesOf(reference).map((f) => f.time));
      expect(endOf(streamed)).toEqual(endOf(reference));
      expect(framesOf(streamed)).toHaveLength(Math.round(seconds * 25));
    });
  }

  it('renders the first window while the producer still holds the rest of the audio', async () => {
    const pcm = chirp(9, 16000);
    let frameSeen: () => void = () => {};
    const firstFrame = new Promise<'frame'>((resolve) => {
      frameSeen = () => resolve('frame');
    });
    let released: string | undefined;
    async function* producer() {
      // Window 0 and its two frames of margin (6 s), then nothing until a frame has come out.
      yield pcm.slice(0, 6 * 16000);
      released = await Promise.race([
        firstFrame,
        new Promise<string>((r) => setTimeout(() => r('timeout'), 60_000)),
      ]);
      yield pcm.slice(6 * 16000);
    }
    const events = await collectEvents(
      fixture.head.stream({ image, audio: { stream: producer(), sampleRate: 16000 } }, options),
      (e) => {
        if (e.type === 'frame') frameSeen();
        return false;
      },
    );
    expect(released).toBe('frame');
    expect(framesOf(events)).toHaveLength(225);
  });

  it('reports a stalled producer, a failing one and bad chunks as typed errors', async () => {
    async function* stalled() {
      yield new Float32Array(1600);
      await new Promise(() => {});
    }
    const stall = fixture.head.stream(
      { image, audio: { stream: stalled(), sampleRate: 16000 } },
      { ...options, idleTimeoutMs: 50 },
    );
    const stallError = await collectEvents(stall).catch((e: unknown) => e);
    expect(AudioStreamError.isInstance(stallError) && stallError.failure).toBe('stalled');

    async function* failing() {
      yield new Float32Array(1600);
      throw new Error('socket closed');
    }
    const failError = await collectEvents(
      fixture.head.stream({ image, audio: { stream: failing(), sampleRate: 16000 } }, options),
    ).catch((e: unknown) => e);
    expect(AudioStreamError.isInstance(failError) && failError.failure).toBe('producer-failed');

    async function* wrongRate() {
      yield new Float32Array(1600);
      yield { pcm: new Float32Array(1600), sampleRate: 44100 } as PcmChunk;
    }
    await expect(
      collectEvents(
        fixture.head.stream({ image, audio: { stream: wrongRate(), sampleRate: 16000 } }, options),
      ),
    ).rejects.toThrow(/44100 Hz but the stream was opened at 16000 Hz/);
    await expect(
      fixture.head.generate({ image, audio: { stream: wrongRate(), sampleRate: 16000 } }),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      fixture.head
        .stream({ image, audio: { stream: wrongRate(), sampleRate: 16000 } }, { lookahead: 5 })
        .next(),
    ).rejects.toThrow(/options.lookahead/);
  });

  it('stops mid-window on abort and on break, closing the producer', async () => {
    for (const stop of ['abort', 'break'] as const) {
      let closed = false;
      const controller = new AbortController();
      async function* endless() {
        try {
          for (;;) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            yield chirp(0.1, 16000);
          }
        } finally {
          closed = true;
        }
      }
      const run = collectEvents(
        fixture.head.stream(
          { image, audio: { stream: endless(), sampleRate: 16000 } },
          { ...options, signal: controller.signal },
        ),
        (e) => stop === 'break' && e.type === 'frame' && e.index === 10,
      );
      if (stop === 'abort') setTimeout(() => controller.abort(), 300);
      const outcome = await run.then(
        () => 'done',
        (e: unknown) => (isAbortError(e) ? 'aborted' : e),
      );
      expect(outcome).toBe(stop === 'abort' ? 'aborted' : 'done');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(closed).toBe(true);
    }
  });
});
