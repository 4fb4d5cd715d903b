import { InvalidInputError } from '@joyvasa/pipeline';
import { liveSampleRate } from './live-codecs.js';

/** How often the clock passes audio on, in ms: Opus's packet duration. */
const stepMs = 20;

/**
 * The audio of a live session, on the wall clock: every 20 ms it passes on 20 ms of what was pushed, or of
 * silence when nothing is waiting, so the stream never pauses between utterances and the portrait keeps
 * the motion the model gives silence. What it passed on is kept until `release` for the outgoing track.
 */
export interface RealtimeAudio {
  /** Queues 16 kHz mono PCM (float in [-1, 1], or 16-bit) behind what is already waiting. */
  push(pcm: Float32Array | Int16Array): void;
  /** Seconds of pushed audio not yet passed on. */
  readonly queuedSeconds: number;
  /** The clock's output as `stream()` reads it: 16 kHz mono chunks; ends after `close`. */
  readonly chunks: AsyncIterable<Float32Array>;
  /** `count` samples of the output from sample `start`, silence where it has not got to or let go of. */
  read(start: number, count: number): Float32Array;
  /** Lets go of the output before sample `end`. */
  release(end: number): void;
  /** Called with each piece of output: where it starts (samples) and its samples (for taps and tests). */
  onOutput?: (start: number, pcm: Float32Array) => void;
  close(): void;
}

function toFloat(pcm: Float32Array | Int16Array): Float32Array {
  if (pcm instanceof Float32Array) {
    for (const sample of pcm) {
      if (!Number.isFinite(sample)) throw new InvalidInputError('pcm', 'samples must be finite numbers');
    }
    return pcm.slice();
  }
  if (pcm instanceof Int16Array) return Float32Array.from(pcm, (sample) => sample / 32768);
  throw new InvalidInputError('pcm', 'expected a Float32Array or an Int16Array of 16 kHz mono samples');
}

/** Starts the clock now. `now` (ms) is injectable for tests; default `performance.now`. */
export function startRealtimeAudio(now: () => number = () => performance.now()): RealtimeAudio {
  const startMs = now();
  const waiting: Float32Array[] = [];
  let waitingSamples = 0;
  const kept: { start: number; pcm: Float32Array }[] = [];
  const ready: Float32Array[] = [];
  let produced = 0;
  let closed = false;
  let wake: (() => void) | undefined;

  function take(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let at = 0; at < count && waiting.length > 0; ) {
      const head = waiting[0]!;
      const used = Math.min(head.length, count - at);
      out.set(head.subarray(0, used), at);
      at += used;
      waitingSamples -= used;
      if (used === head.length) waiting.shift();
      else waiting[0] = head.subarray(used);
    }
    return out;
  }

  function tick(): void {
    const due = Math.floor(((now() - startMs) / 1000) * liveSampleRate) - produced;
    if (due <= 0 || closed) return;
    const pcm = take(due);
    kept.push({ start: produced, pcm });
    audio.onOutput?.(produced, pcm);
    produced += due;
    ready.push(pcm);
    wake?.();
  }
  const timer = setInterval(tick, stepMs);

  async function* chunks(): AsyncGenerator<Float32Array> {
    while (true) {
      while (ready.length > 0) yield ready.shift()!;
      if (closed) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }

  const audio: RealtimeAudio = {
    push(pcm) {
      const samples = toFloat(pcm);
      waiting.push(samples);
      waitingSamples += samples.length;
    },
    get queuedSeconds() {
      return waitingSamples / liveSampleRate;
    },
    chunks: chunks(),
    read(start, count) {
      const out = new Float32Array(count);
      for (const piece of kept) {
        const from = Math.max(start, piece.start);
        const to = Math.min(start + count, piece.start + piece.pcm.length);
        if (from < to) out.set(piece.pcm.subarray(from - piece.start, to - piece.start), from - start);
      }
      return out;
    },
    release(end) {
      while (kept.length > 0 && kept[0]!.start + kept[0]!.pcm.length <= end) kept.shift();
    },
    close() {
      closed = true;
      clearInterval(timer);
      waiting.length = 0;
      kept.length = 0;
      wake?.();
    },
  };
  return audio;
}
