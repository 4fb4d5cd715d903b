import { type AudioStreamInput, isAudioStreamInput } from '@joyvasa/audio-encoder';
import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import type { FrameSinkResult, FrameSinkV1, SinkAudio } from './frame-sink.js';
import type { AnimateInput, TalkingHead } from './talking-head.js';
import type { TalkingHeadEvent } from './talking-head-events.js';
import type { AnimateOptions } from './talking-head-options.js';

/** What `generate` returns; `SinkResult` is the type of the sink's `finish()` result. */
export interface GenerateResult<SinkResult extends FrameSinkResult = FrameSinkResult> {
  readonly frameCount: number;
  readonly fps: number;
  readonly durationSeconds: number;
  /** The frames, when no sink was given (all in memory: prefer a sink for long audio). */
  readonly frames?: readonly RgbImage[];
  /** The sink's result (files written), when a sink was given. */
  readonly sink?: SinkResult;
}

/** Options of {@link collectTalkingHead}. */
export interface CollectOptions<SinkResult extends FrameSinkResult = FrameSinkResult> {
  /**
   * Where frames go (`createFfmpegVideoSink`, `createPngSequenceSink`, `createCanvasSink`, or your own);
   * without one they are collected in memory.
   */
  readonly sink?: FrameSinkV1<SinkResult>;
  /** The audio track the sink should mux in. */
  readonly audio?: SinkAudio;
  /** Every event of the run, as it happens (progress bars, previews). */
  readonly onEvent?: (event: TalkingHeadEvent) => void;
}

/** Options of `generate()` in every entry: the animation's, plus every event (`sink` is `generate`'s own). */
export type GenerateOptions = AnimateOptions & Omit<CollectOptions, 'audio' | 'sink'>;

/** A talking head with `generate()`, which animates and collects into a sink or memory. */
export interface GeneratingTalkingHead<ImageInput, AudioInput, Options extends GenerateOptions>
  extends TalkingHead<ImageInput, AudioInput> {
  /** Animates `input` into `options.sink` (its `finish()` result comes back as `sink`), or into memory. */
  generate<SinkResult extends FrameSinkResult = FrameSinkResult>(
    input: AnimateInput<ImageInput, AudioInput>,
    options?: Options & { readonly sink?: FrameSinkV1<SinkResult> },
  ): Promise<GenerateResult<SinkResult>>;
}

/**
 * Drains a talking-head stream into a sink (or memory). On any failure or abort the sink is aborted,
 * which removes its partial output, and the error is rethrown.
 */
export async function collectTalkingHead<SinkResult extends FrameSinkResult = FrameSinkResult>(
  events: AsyncIterable<TalkingHeadEvent>,
  options: CollectOptions<SinkResult> = {},
): Promise<GenerateResult<SinkResult>> {
  const frames: RgbImage[] = [];
  const sink = options.sink;
  let started = false;
  let chunk: { totalFrames: number; fps: number } | undefined;
  try {
    for await (const event of events) {
      options.onEvent?.(event);
      if (event.type === 'motion-chunk') chunk = event;
      if (event.type === 'frame') {
        if (!sink) {
          frames.push(event.image);
          continue;
        }
        if (!started) {
          await sink.start({
            width: event.image.width,
            height: event.image.height,
            fps: chunk?.fps ?? 25,
            ...(chunk ? { frameCount: chunk.totalFrames } : {}),
            ...(options.audio ? { audio: options.audio } : {}),
          });
          started = true;
        }
        await sink.write(event.image, event.index);
      }
      if (event.type === 'stream-end') {
        const base = { frameCount: event.frameCount, fps: event.fps, durationSeconds: event.durationSeconds };
        if (!sink) return { ...base, frames };
        return { ...base, sink: await sink.finish() };
      }
    }
    throw new Error('the talking-head stream ended without a stream-end event');
  } catch (error) {
    await sink?.abort(error);
    throw error;
  }
}

/** The audio of a `generate()` call, which needs it whole (the sink muxes the track in). */
export function wholeAudio<AudioInput>(audio: AudioInput | AudioStreamInput): AudioInput {
  if (isAudioStreamInput(audio)) {
    throw new InvalidInputError(
      'audio',
      'generate() needs the whole audio for the video file; animate an audio stream with stream() ' +
        '(frames as they are made) or a live sink (docs/guide/live.md)',
    );
  }
  return audio;
}
