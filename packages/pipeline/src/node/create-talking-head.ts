import { fileURLToPath } from 'node:url';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { createUrlSource, type ImageLike, toRgbImage } from '@joyvasa/core';
import { createDirectorySource, createFileStore } from '@joyvasa/core/node';
import { createFileVariantChoiceCache, readImage, readNvidiaGpuIdentity } from '@joyvasa/liveportrait/node';
import {
  checkAnimateInput,
  checkExplicitDevice,
  checkTalkingHeadOptions,
} from '../check-talking-head-options.js';
import type { FrameSinkResult, FrameSinkV1 } from '../frame-sink.js';
import {
  collectTalkingHead,
  type GenerateOptions,
  type GeneratingTalkingHead,
  wholeAudio,
} from '../generate-video.js';
import { openModels } from '../open-bundle.js';
import { createTalkingHeadWith } from '../talking-head.js';
import type { TalkingHeadOptions } from '../talking-head-options.js';
import { callerAudioTrack } from './caller-audio-track.js';
import { loadDefaultNodeBackend } from './default-node-backend.js';
import { createFfmpegVideoSink } from './ffmpeg-video-sink.js';

/** An image in Node: a file path or URL, encoded bytes (PNG, JPEG, WebP, …), or decoded pixels. */
export type NodeImageInput = string | URL | Uint8Array | ArrayBuffer | ImageLike;

/** Audio in Node: a file path or URL, encoded bytes (WAV, MP3, M4A, …), or PCM at a sample rate. */
export type NodeAudioInput =
  | string
  | URL
  | Uint8Array
  | ArrayBuffer
  | { readonly pcm: Float32Array; readonly sampleRate: number };

/** Options of {@link NodeTalkingHead}'s `generate`: an mp4 to write, or a sink of your own, or memory. */
export interface NodeGenerateOptions extends GenerateOptions {
  /** Writes an mp4 (H.264 + AAC, 25 fps) there, with the audio track. */
  readonly output?: string;
  /** Path of ffmpeg when it is not on PATH. */
  readonly ffmpegPath?: string;
}

/**
 * The Node talking head: `stream()` plus `generate()`, which animates and collects into `output` (mp4 with
 * the audio muxed in), a `sink`, or memory (frames). The video carries the caller's own audio: a file as it
 * is, PCM at its rate, WAV bytes with their channels and rate, other bytes as encoded (not the 16 kHz mono
 * the model hears).
 */
export type NodeTalkingHead = GeneratingTalkingHead<NodeImageInput, NodeAudioInput, NodeGenerateOptions>;

function isImageLike(value: unknown): value is ImageLike {
  return typeof value === 'object' && value !== null && 'width' in value && 'channels' in value;
}

function isRemote(models: TalkingHeadOptions['models']): boolean {
  return (typeof models === 'string' || models instanceof URL) && /^https?:/.test(String(models));
}

function asPath(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input instanceof URL && input.protocol === 'file:') return fileURLToPath(input);
  return undefined;
}

/**
 * Loads a talking head in Node. `models` is a bundle folder (`joyvasa convert` or `joyvasa animate
 * --models fixture` writes one), an http(s) URL (fetched and cached under ~/.cache/joyvasa), a source, or a
 * bundle. The backend defaults to onnxruntime-node; `device: 'auto'` uses CUDA when it is installed.
 */
export async function createTalkingHead(options: TalkingHeadOptions): Promise<NodeTalkingHead> {
  checkTalkingHeadOptions(options);
  const backend = options.backend ?? (await loadDefaultNodeBackend());
  await checkExplicitDevice(backend, options);
  const bundle = await openModels(
    options.models,
    (location) =>
      /^https?:/.test(String(location))
        ? createUrlSource(location)
        : createDirectorySource(asPath(location) ?? String(location)),
    {
      // Only downloads are cached: a local bundle folder is read where it is.
      ...(options.store
        ? { store: options.store }
        : isRemote(options.models)
          ? { store: createFileStore() }
          : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    },
  );
  const head = createTalkingHeadWith<NodeImageInput, NodeAudioInput>(
    bundle,
    backend,
    {
      async decodeImage(input) {
        return isImageLike(input)
          ? toRgbImage(input)
          : readImage(input as string | URL | Uint8Array | ArrayBuffer);
      },
      decodeAudio: (input, sampleRate, signal) =>
        decodeAudio(input, { sampleRate, ...(signal ? { signal } : {}) }),
      // Renderer forms timed on this GPU are remembered across processes.
      rendererChoice: { cache: createFileVariantChoiceCache(), gpu: () => readNvidiaGpuIdentity() },
    },
    options,
  );
  return {
    ...head,
    async generate<SinkResult extends FrameSinkResult = FrameSinkResult>(
      input: Parameters<NodeTalkingHead['generate']>[0],
      generateOptions: NodeGenerateOptions & { readonly sink?: FrameSinkV1<SinkResult> } = {},
    ) {
      checkAnimateInput(input);
      const whole = wholeAudio(input.audio);
      // With `output` and no sink, SinkResult is the default FrameSinkResult, which FfmpegVideoSinkResult extends.
      const sink =
        generateOptions.sink ??
        (generateOptions.output
          ? (createFfmpegVideoSink({
              output: generateOptions.output,
              ...(generateOptions.ffmpegPath ? { ffmpegPath: generateOptions.ffmpegPath } : {}),
            }) as FrameSinkV1 as FrameSinkV1<SinkResult>)
          : undefined);
      const track = sink
        ? await callerAudioTrack((asPath(whole) ?? whole) as Parameters<typeof callerAudioTrack>[0])
        : undefined;
      try {
        const events = head.stream({ image: input.image, audio: whole }, generateOptions);
        return await collectTalkingHead(events, {
          sink,
          ...(track ? { audio: track.audio } : {}),
          onEvent: generateOptions.onEvent,
        });
      } finally {
        await track?.release();
      }
    },
  };
}
