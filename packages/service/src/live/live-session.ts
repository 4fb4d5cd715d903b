import {
  type AnimateOptions,
  InvalidInputError,
  isAbortError,
  paceFrames,
  type TalkingHeadEvent,
} from '@joyvasa/pipeline';
import type { NodeImageInput, NodeTalkingHead } from '@joyvasa/pipeline/node';
import { MediaStreamTrack } from 'werift';
import { liveSampleRate, opusInputRate, samplesPerTick } from './live-codecs.js';
import { type RealtimeAudio, startRealtimeAudio } from './realtime-audio.js';
import type { MediaClock } from './sender-reports.js';
import { startTrackSender } from './track-sender.js';

/** The two tracks a session sends, in one media stream (so the browser synchronizes them). */
export interface LiveTracks {
  /** VP8 video. */
  readonly video: MediaStreamTrack;
  /** Opus audio. */
  readonly audio: MediaStreamTrack;
  /** The media stream id both carry. */
  readonly streamId: string;
  /** The media clock both tracks' RTP timestamps and sender reports follow (started by the first tick). */
  readonly clock: MediaClock;
}

/** New tracks for {@link startLiveSession}: made first, so a peer can be answered before the session starts. */
export function createLiveTracks(): LiveTracks {
  const streamId = `joyvasa-${Math.random().toString(36).slice(2, 10)}`;
  return {
    video: new MediaStreamTrack({ kind: 'video', streamId }),
    audio: new MediaStreamTrack({ kind: 'audio', streamId }),
    streamId,
    clock: { originMs: undefined },
  };
}

/** Options of {@link startLiveSession}. */
export interface LiveSessionOptions {
  /** The loaded pipeline (warmed up on `image`, so the first window does not wait for model loading). */
  readonly head: Pick<NodeTalkingHead, 'stream'>;
  /** The portrait. */
  readonly image: NodeImageInput;
  /** Options of `stream()`. Default `{ lookahead: 1 }`: a window is sampled after its first second. */
  readonly animate?: AnimateOptions;
  /**
   * Wait after the first frame before the first tick, in ms: slack against a renderer that is sometimes
   * late (fewer repeated ticks), paid in latency. Default 0.
   */
  readonly startDelayMs?: number;
  /**
   * A fixed latency instead of pacing from the first frame: tick k (frame k and the audio of
   * [k/25, (k+1)/25) s) is handed to the encoders at the session's start + k/25 s + `latencyMs`, so speech
   * leaves `latencyMs` after the session's clock took it in, whatever the first window took. It must cover
   * the lookahead plus a window's sampling and first frame (on a GPU, about the lookahead + 0.25 s): a
   * frame made after its tick is dropped and the last one stays on screen; ticks before the first frame
   * send nothing. Not with `startDelayMs`. Default: paced from the first frame.
   */
  readonly latencyMs?: number;
  /** Frames larger than this (their longer side, pixels) are scaled down for the video track. Default: none. */
  readonly maxVideoSide?: number;
  /** The ffmpeg binary. Default `ffmpeg` on PATH. */
  readonly ffmpegPath?: string;
}

/** One tick as it was sent: its frame (undefined when the last one stays on screen) and when. */
export interface LiveTick {
  readonly tick: number;
  /** The frame sent at this tick (its index equals the tick), or undefined when it was late. */
  readonly frameIndex: number | undefined;
  /** When the frame came out of `stream()` (ms, `performance.now`), if it was sent. */
  readonly frameReadyAtMs: number | undefined;
  /** When the tick's audio and frame were handed to the encoders (ms, `performance.now`). */
  readonly sentAtMs: number;
}

/** A portrait talking live into two WebRTC tracks. */
export interface LiveSession {
  /** The tracks it sends. */
  readonly tracks: LiveTracks;
  /** Queues speech, 16 kHz mono PCM, behind what is waiting; it plays in real time, silence in between. */
  pushAudio(pcm: Float32Array | Int16Array): void;
  /** The session's audio clock: what it passed on and when it started (`startedAtMs`). */
  readonly audio: RealtimeAudio;
  /** When the audio clock started (ms, `performance.now`). */
  readonly startedAtMs: number;
  /** Called after each tick is sent. */
  onTick?: (tick: LiveTick) => void;
  /** Stops the run, the encoders and the clock; idempotent. Resolves once all of them are done. */
  close(): Promise<void>;
  /** Settles when the run ends (closed, or failed: then it rejects with the cause). */
  readonly done: Promise<void>;
}

/**
 * The session's run of the pipeline: `stream()` on the session's audio clock, which passes on silence
 * whenever nothing was pushed, so between utterances the portrait keeps the motion the model gives silence
 * and speech continues the same stream (the same frame clock, no restart, no seam).
 */
export function streamLiveFrames(
  head: Pick<NodeTalkingHead, 'stream'>,
  image: NodeImageInput,
  audio: Pick<RealtimeAudio, 'chunks'>,
  animate: AnimateOptions | undefined,
  signal: AbortSignal,
): AsyncIterable<TalkingHeadEvent> {
  return head.stream(
    { image, audio: { stream: audio.chunks, sampleRate: liveSampleRate, channels: 1 } },
    { lookahead: 1, ...animate, signal },
  );
}

/**
 * Each frame event passes through with the time it came out of the pipeline; `onSize` hears the video's
 * size as soon as it is known (the source's size, then each frame's), so the encoder can start early.
 */
async function* timed(
  events: AsyncIterable<TalkingHeadEvent>,
  readyAt: Map<number, number>,
  onSize: (size: { width: number; height: number }) => void,
) {
  for await (const event of events) {
    if (event.type === 'source-ready') onSize(event);
    if (event.type !== 'frame') {
      yield event;
      continue;
    }
    if (readyAt.size === 0 && event.index === 0) onSize(event.image);
    readyAt.set(event.index, performance.now());
    yield event;
  }
}

/**
 * One tick's 16 kHz audio as 48 kHz 16-bit little-endian bytes for the Opus encoder: linear interpolation
 * towards `next` (the first sample after the tick), so nothing waits for the next tick's audio.
 */
function toOpusInput(pcm: Float32Array, next: number): Uint8Array {
  const factor = opusInputRate / liveSampleRate;
  const out = new Int16Array(pcm.length * factor);
  for (let i = 0; i < out.length; i++) {
    const at = Math.floor(i / factor);
    const fraction = (i % factor) / factor;
    const sample = pcm[at]! + ((pcm[at + 1] ?? next) - pcm[at]!) * fraction;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(sample * 32767)));
  }
  return new Uint8Array(out.buffer);
}

/**
 * A session's pacing, checked: a fixed latency, or a delay after the first frame. Throws an
 * `InvalidInputError` naming the option for both at once, a negative or a non-finite value.
 */
export function livePacing(options: Pick<LiveSessionOptions, 'latencyMs' | 'startDelayMs'>): {
  latencyMs?: number;
  startDelayMs: number;
} {
  const { latencyMs, startDelayMs } = options;
  if (latencyMs !== undefined && startDelayMs !== undefined)
    throw new InvalidInputError('latencyMs', 'give latencyMs (a fixed latency) or startDelayMs, not both');
  for (const [name, value] of Object.entries({ latencyMs, startDelayMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new InvalidInputError(name, `must be a finite number of ms, 0 or more; got ${value}`);
  }
  return latencyMs === undefined ? { startDelayMs: startDelayMs ?? 0 } : { latencyMs, startDelayMs: 0 };
}

/**
 * Starts a live session: `stream()` on the session's real-time audio, paced at 25 frames/s from the first
 * frame (plus `startDelayMs`) or at a fixed `latencyMs` behind its audio clock. Tick k sends the audio of
 * [k/25, (k+1)/25) s and, unless it came late, frame k (RTP timestamp k·3600, audio k·1920), together, so
 * both tracks' sender reports share one clock.
 */
export function startLiveSession(options: LiveSessionOptions, tracks = createLiveTracks()): LiveSession {
  const pacing = livePacing(options);
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  const audio = startRealtimeAudio();
  const startedAtMs = performance.now();
  const abort = new AbortController();
  const sender = startTrackSender(tracks, ffmpegPath, tracks.clock, options.maxVideoSide);
  const readyAt = new Map<number, number>();

  async function run(): Promise<void> {
    const events = streamLiveFrames(options.head, options.image, audio, options.animate, abort.signal);
    const paced = paceFrames(
      timed(events, readyAt, (size) => sender.prepare(size)),
      {
        ...(pacing.latencyMs === undefined
          ? { startDelayMs: pacing.startDelayMs }
          : { startAtMs: startedAtMs + pacing.latencyMs }),
        signal: abort.signal,
      },
    );
    for await (const event of paced) {
      if (event.type !== 'paced-frame') continue;
      const { tick, frame, repeated } = event;
      const start = tick * samplesPerTick;
      const pcm = audio.read(start, samplesPerTick + 1);
      const sent = sender.send(
        tick,
        toOpusInput(pcm.subarray(0, samplesPerTick), pcm[samplesPerTick]!),
        frame,
      );
      audio.release(start + samplesPerTick);
      const frameReadyAtMs = readyAt.get(frame.index);
      for (const index of readyAt.keys()) if (index <= tick) readyAt.delete(index);
      session.onTick?.({
        tick,
        frameIndex: sent && !repeated ? frame.index : undefined,
        frameReadyAtMs: sent && !repeated ? frameReadyAtMs : undefined,
        sentAtMs: performance.now(),
      });
    }
  }

  let closing: Promise<void> | undefined;
  // A close aborts the run: that is its normal end, not a failure.
  const running = run().catch((error: unknown) => {
    if (!(abort.signal.aborted && isAbortError(error))) throw error;
  });
  const done = running.finally(() => session.close());
  done.catch(() => {});
  const session: LiveSession = {
    tracks,
    pushAudio: (pcm) => audio.push(pcm),
    audio,
    startedAtMs,
    done,
    close() {
      closing ??= (async () => {
        abort.abort();
        audio.close();
        await Promise.allSettled([running, sender.close()]);
        tracks.video.stop();
        tracks.audio.stop();
      })();
      return closing;
    },
  };
  return session;
}
