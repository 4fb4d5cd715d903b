import type { AudioStreamInput, DecodedAudio } from '@joyvasa/audio-encoder';
import type { ModelManifest, RgbImage } from '@joyvasa/core';
import type { RendererChoiceOptions } from '@joyvasa/liveportrait';
import type { GenerateResult } from '../run/collect-talking-head.js';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import type { AnimateOptions } from '../run/talking-head-options.js';
import type { FrameSinkResult, FrameSinkV1 } from '../sinks/frame-sink.js';

/** How a platform entry (Node or browser) turns user inputs into pixels and samples. */
export interface PipelinePlatform<ImageInput, AudioInput, Options extends GenerateOptions = GenerateOptions> {
  decodeImage(input: ImageInput, signal?: AbortSignal): Promise<RgbImage>;
  /**
   * Mono PCM at `sampleRate` (the audio encoder's) and the audio's duration; with `keepSource`, also the
   * source's own channels at its own rate (the video's audio track), so the audio is read once.
   */
  decodeAudio(
    input: AudioInput,
    options: { readonly sampleRate: number; readonly keepSource: boolean; readonly signal?: AbortSignal },
  ): Promise<DecodedAudio>;
  /** A file a sink can mux as it is (Node: a path), instead of the decoded samples; undefined otherwise. */
  audioFile?(input: AudioInput): string | undefined;
  /** The sink `generate()` writes to when the caller gave none (Node: an mp4 at `output`); or memory. */
  defaultSink?(options: Options): FrameSinkV1 | undefined;
  /**
   * Where renderer forms chosen by timing on a GPU are remembered (a file under the SDK's cache folder in
   * Node, memory in browsers) and the GPU they hold for; the batch is each head's first run's `renderBatch`.
   */
  readonly rendererChoice?: Omit<RendererChoiceOptions, 'batch'>;
}

/**
 * One animation's inputs. `audio` is what the platform decodes (a file, bytes, PCM) or, in `stream()`, an
 * {@link AudioStreamInput}: PCM chunks animated as they arrive.
 */
export interface AnimateInput<ImageInput, AudioInput> {
  readonly image: ImageInput;
  readonly audio: AudioInput | AudioStreamInput;
}

/** Options of `generate()` in every entry: the animation's, plus every event of the run. */
export interface GenerateOptions extends AnimateOptions {
  /** Every event of the run, as it happens (progress bars, previews). */
  readonly onEvent?: (event: TalkingHeadEvent) => void;
}

/** A loaded talking-head pipeline. Reuse it for many animations; `dispose` frees its models. */
export interface TalkingHead<ImageInput, AudioInput> {
  readonly manifest: ModelManifest;
  /**
   * Width of the audio features the motion model takes (`audioFeatureDim` of the bundle's motion
   * generator, 768 for the released model): a custom `audioEncoder` must have this `featureDim`.
   */
  readonly audioFeatureDim: number;
  /**
   * Animates an image from speech as a stream of events: `source-ready`, `motion-chunk` (each sampled
   * window), `frame` (each finished frame, in order, with its presentation time), `progress`, and
   * `stream-end`. With an audio stream, each window is sampled as soon as its audio is in and each frame is
   * rendered once the audio reaches it; the motion equals that of the whole audio (unless `lookahead`).
   * Breaking out of the loop or aborting the signal stops the work, closes the audio stream and frees what
   * the run holds.
   */
  stream(
    input: AnimateInput<ImageInput, AudioInput>,
    options?: AnimateOptions,
  ): AsyncGenerator<TalkingHeadEvent, void>;
  /**
   * Loads every model and runs each network once on `image` (a few frames of silence, one sampler step,
   * nothing kept), so that a later `stream()` starts at full speed. For live input, call it before opening
   * the microphone: on a GPU, loading the sessions and their first runs (cuDNN's algorithm search) took
   * 1.4–2.4 s, which the first window's frames otherwise wait for (docs/benchmarks.md). Takes the options
   * the live run will use (`renderBatch`, `positionalEncoding`, `signal`…); throws what `stream()` would.
   */
  warmUp(image: ImageInput, options?: AnimateOptions): Promise<void>;
  dispose(): Promise<void>;
}

/** A talking head with `generate()`, which animates and collects into a sink or memory. */
export interface GeneratingTalkingHead<ImageInput, AudioInput, Options extends GenerateOptions>
  extends TalkingHead<ImageInput, AudioInput> {
  /**
   * Animates `input` into `options.sink` (its `finish()` result comes back as `sink`), or into memory. The
   * audio is decoded once: the model hears it at the encoder's rate, the sink muxes the caller's own track
   * (its channels and rate) and is told its duration and the video's frame rate.
   */
  generate<SinkResult extends FrameSinkResult = FrameSinkResult>(
    input: AnimateInput<ImageInput, AudioInput>,
    options?: Options & { readonly sink?: FrameSinkV1<SinkResult> },
  ): Promise<GenerateResult<SinkResult>>;
}
