import type { RgbImage } from '@joyvasa/core';

/**
 * Audio to put beside the frames: a file on disk (Node sinks), PCM in memory, or (a live sink) mono PCM
 * that arrives during the run through {@link FrameSinkV1.writeAudio}.
 * PCM is one Float32Array (mono) or one per channel, nominally in [-1, 1], at `sampleRate` Hz.
 * `durationSeconds` is the audio's length when the producer knows it (`generate()` does): a sink uses it
 * instead of measuring the audio again.
 */
export type SinkAudio =
  | { readonly path: string; readonly durationSeconds?: number }
  | {
      readonly pcm: Float32Array | readonly Float32Array[];
      readonly sampleRate: number;
      readonly durationSeconds?: number;
    }
  | LiveSinkAudio;

/** Audio written while the frames are made: mono PCM at `sampleRate` through `writeAudio`. */
export interface LiveSinkAudio {
  readonly live: true;
  readonly sampleRate: number;
}

/** What a sink learns before the first frame. */
export interface FrameSinkStartInfo {
  /** Frame size in pixels; every frame written must have it. */
  readonly width: number;
  readonly height: number;
  /** Frames per second: the motion model's (`stream-end`'s and `motion-chunk`'s `fps`). */
  readonly fps: number;
  /** Frames the producer expects to write, when it knows; a hint (progress, preallocation), not a promise. */
  readonly frameCount?: number;
  /**
   * The audio the frames were generated from. A sink that writes video muxes it and matches the video's
   * duration to it; other sinks ignore it. A sink created with audio of its own uses that instead.
   */
  readonly audio?: SinkAudio;
}

/** What a sink produced. Sinks may return more fields. */
export interface FrameSinkResult {
  /** Frames in the output (may differ from frames written when a sink matches an audio track). */
  readonly frameCount: number;
  /** Length of the output in seconds: `frameCount / fps`. */
  readonly durationSeconds: number;
  /** Files written, in frame order where there is one per frame. Empty for in-memory sinks. */
  readonly files: readonly string[];
}

/**
 * Receives generated frames one at a time, in order, and turns them into something (a video file, a
 * folder of PNGs, a canvas, a WebCodecs MP4, a live stream). The one contract of every output: a plain
 * object with these fields; no base class. `createFrameSink` builds one with the contract checked.
 *
 * Lifecycle: `start` once, then `write` for frames 0, 1, 2, … (each awaited before the next: a sink
 * applies backpressure by resolving late and never needs to hold frames), then either `finish` once,
 * or `abort` at any point. After `abort`, no output is left behind and the other methods reject.
 * `Result` is what `finish` resolves to (a video sink adds its file or Blob); `generate()` passes it on.
 */
export interface FrameSinkV1<Result extends FrameSinkResult = FrameSinkResult> {
  readonly specificationVersion: 'v1';
  start(info: FrameSinkStartInfo): Promise<void>;
  /**
   * Consumes frame `index` (0-based, equal to the number of frames written before). The sink may keep
   * no reference to `frame` after the promise resolves, so producers can reuse its buffer.
   */
  write(frame: RgbImage, index: number): Promise<void>;
  /** Completes the output; rejects if nothing usable could be produced. */
  finish(): Promise<Result>;
  /** Stops work and removes partial output. Safe to call more than once, and after a failure. */
  abort(reason?: unknown): Promise<void>;
  /**
   * Live sinks only (started with {@link LiveSinkAudio}): the next mono samples of the audio track. Write each
   * frame's 1/fps s of audio before the frame: the tracks are interleaved by the counts written.
   */
  writeAudio?(pcm: Float32Array): Promise<void>;
}
