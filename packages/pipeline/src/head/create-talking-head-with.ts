import { type AudioStreamInput, type DecodedAudio, isAudioStreamInput } from '@joyvasa/audio-encoder';
import {
  type BackendV1,
  DisposedError,
  InvalidInputError,
  type ModelBundle,
  motionGeneratorData,
} from '@joyvasa/core';
import { collectTalkingHead } from '../run/collect-talking-head.js';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import {
  type AnimateOptions,
  resolveAnimateOptions,
  type TalkingHeadOptions,
} from '../run/talking-head-options.js';
import type { FrameSinkResult, FrameSinkV1, SinkAudio } from '../sinks/frame-sink.js';
import { createAnimate } from './animate.js';
import { checkAnimateInput } from './check-talking-head-options.js';
import { createHeadModels } from './head-models.js';
import type {
  AnimateInput,
  GenerateOptions,
  GeneratingTalkingHead,
  PipelinePlatform,
} from './talking-head.js';

/** The audio of a `generate()` call, which needs it whole (the sink muxes the track in). */
function wholeAudio<AudioInput>(audio: AudioInput | AudioStreamInput): AudioInput {
  if (isAudioStreamInput(audio)) {
    throw new InvalidInputError(
      'audio',
      'generate() needs the whole audio for the video file; animate an audio stream with stream() ' +
        '(frames as they are made) or a live sink (docs/guide/live.md)',
    );
  }
  return audio;
}

/** The caller's own audio as the sink's track: the file as it is, or the source's channels and rate. */
function sinkTrack(decoded: DecodedAudio, file: string | undefined): SinkAudio {
  const { durationSeconds } = decoded;
  if (file !== undefined) return { path: file, durationSeconds };
  const source = decoded.source!;
  return { pcm: source.channels, sampleRate: source.sampleRate, durationSeconds };
}

/**
 * Builds a talking head on a bundle, a backend and a platform: the one assembly behind the Node and the
 * browser `createTalkingHead`, which pass their decoders and defaults. The sample rate and the frame rate
 * of every run come from the loaded models: the audio is decoded (or a stream read) at the encoder's rate,
 * motion is sampled and frames are timed at the motion model's fps, and sinks are told both.
 */
export function createTalkingHeadWith<ImageInput, AudioInput, Options extends GenerateOptions>(
  bundle: ModelBundle,
  backend: BackendV1,
  platform: PipelinePlatform<ImageInput, AudioInput, Options>,
  options: Omit<TalkingHeadOptions, 'models' | 'backend'>,
): GeneratingTalkingHead<ImageInput, AudioInput, Options> {
  const models = createHeadModels(bundle, backend, options, platform.rendererChoice);
  let disposed = false;
  const throwIfDisposed = () => {
    if (disposed) throw new DisposedError('talking head', 'create a new one with createTalkingHead');
  };

  const animate = createAnimate(models, platform, options.faceLocator);

  async function* stream(
    input: AnimateInput<ImageInput, AudioInput>,
    animateOptions: AnimateOptions = {},
  ): AsyncGenerator<TalkingHeadEvent, void> {
    throwIfDisposed();
    checkAnimateInput(input);
    yield* animate(input.image, input.audio, resolveAnimateOptions(animateOptions));
  }

  async function generate<SinkResult extends FrameSinkResult = FrameSinkResult>(
    input: AnimateInput<ImageInput, AudioInput>,
    generateOptions: Options & { readonly sink?: FrameSinkV1<SinkResult> } = {} as Options,
  ) {
    throwIfDisposed();
    checkAnimateInput(input);
    const audio = wholeAudio(input.audio);
    const run = resolveAnimateOptions(generateOptions);
    // A default sink's result is the default FrameSinkResult, which every sink's result extends.
    const sink =
      generateOptions.sink ??
      (platform.defaultSink?.(generateOptions) as FrameSinkV1<SinkResult> | undefined);
    const file = sink ? platform.audioFile?.(audio) : undefined;
    let decoded: DecodedAudio;
    try {
      // Read once: the model hears it at the encoder's rate, the sink gets the source (or its file).
      const { encoder } = await models.audio(run.positionalEncoding);
      decoded = await platform.decodeAudio(audio, {
        sampleRate: encoder.sampleRate,
        keepSource: sink !== undefined && file === undefined,
        ...(run.signal ? { signal: run.signal } : {}),
      });
    } catch (error) {
      await sink?.abort(error);
      throw error;
    }
    return collectTalkingHead(animate(input.image, audio, run, decoded), {
      sink,
      ...(sink ? { audio: sinkTrack(decoded, file) } : {}),
      onEvent: generateOptions.onEvent,
    });
  }

  async function warmUp(image: ImageInput, animateOptions: AnimateOptions = {}): Promise<void> {
    throwIfDisposed();
    const run = resolveAnimateOptions(animateOptions);
    // The same (memoised) models stream() uses: they give the length of one render batch of silence.
    const { encoder, generator } = await models.audio(run.positionalEncoding);
    const { sampleRate } = encoder;
    const pcm = new Float32Array(Math.round((run.renderBatch * sampleRate) / generator.config.fps));
    // Every platform's audio input takes mono PCM.
    const audio = { pcm, sampleRate } as AudioInput;
    for await (const _ of stream({ image, audio }, { ...animateOptions, sampler: { ddim: 1 } })) {
      // Each event is dropped: only the sessions' first runs matter.
    }
  }

  return {
    manifest: bundle.manifest,
    audioFeatureDim: motionGeneratorData(bundle.manifest).config.audioFeatureDim,
    stream,
    generate,
    warmUp,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await models.dispose();
    },
  };
}
