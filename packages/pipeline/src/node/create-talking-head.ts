import { fileURLToPath } from 'node:url';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createUrlSource, type ImageLike, toRgbImage } from '@joyvasa/core';
import { createDirectorySource, createFileStore } from '@joyvasa/core/node';
import { readImage } from '@joyvasa/liveportrait/node';
import type { FrameSinkV1, SinkAudio } from '../frame-sink.js';
import { collectTalkingHead, type GenerateResult } from '../generate-video.js';
import { openModels } from '../open-bundle.js';
import { createTalkingHeadWith, type TalkingHead } from '../talking-head.js';
import type { TalkingHeadEvent } from '../talking-head-events.js';
import type { AnimateOptions, TalkingHeadOptions } from '../talking-head-options.js';
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

/** Options of {@link NodeTalkingHead.generate}. */
export interface NodeGenerateOptions extends AnimateOptions {
  /** Writes an mp4 (H.264 + AAC, 25 fps) there, with the audio track. */
  readonly output?: string;
  /** Or any sink of your own (a PNG sequence, a stream…). */
  readonly sink?: FrameSinkV1;
  /** Path of ffmpeg when it is not on PATH. */
  readonly ffmpegPath?: string;
  /** Every event of the run, as it happens. */
  readonly onEvent?: (event: TalkingHeadEvent) => void;
}

/** The Node talking head: `stream()` plus `generate()`, which writes a video. */
export interface NodeTalkingHead extends TalkingHead<NodeImageInput, NodeAudioInput> {
  /**
   * Animates and collects: into `output` (mp4 with the audio muxed in), a `sink`, or memory (frames).
   * With a file path as audio, the video carries that original track; otherwise the 16 kHz mono audio
   * the model heard.
   */
  generate(
    input: { readonly image: NodeImageInput; readonly audio: NodeAudioInput },
    options?: NodeGenerateOptions,
  ): Promise<GenerateResult>;
}

function isImageLike(value: unknown): value is ImageLike {
  return typeof value === 'object' && value !== null && 'width' in value && 'channels' in value;
}

function isRemote(models: TalkingHeadOptions['models']): boolean {
  return (typeof models === 'string' || models instanceof URL) && /^https?:/.test(String(models));
}

function signalOf(options: { readonly signal?: AbortSignal }) {
  return options.signal ? { signal: options.signal } : {};
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
    options.backend ?? createOnnxNodeBackend(),
    {
      async decodeImage(input) {
        return isImageLike(input)
          ? toRgbImage(input)
          : readImage(input as string | URL | Uint8Array | ArrayBuffer);
      },
      async decodeAudio(input, signal) {
        const decoded = await decodeAudio(input, signal ? { signal } : {});
        return { pcm: decoded.pcm, durationSeconds: decoded.durationSeconds };
      },
    },
    options,
  );
  return {
    ...head,
    async generate(input, generateOptions = {}) {
      const path = asPath(input.audio);
      const sink =
        generateOptions.sink ??
        (generateOptions.output
          ? createFfmpegVideoSink({
              output: generateOptions.output,
              ...(generateOptions.ffmpegPath ? { ffmpegPath: generateOptions.ffmpegPath } : {}),
            })
          : undefined);
      // The sink needs the audio track too: a file is muxed as it is; anything else is decoded once, here.
      const decoded = path
        ? undefined
        : await decodeAudio(input.audio, {
            ...signalOf(generateOptions),
            ...(generateOptions.ffmpegPath ? { ffmpegPath: generateOptions.ffmpegPath } : {}),
          });
      const pcm = decoded ? { pcm: decoded.pcm, sampleRate: decoded.sampleRate } : undefined;
      const audio: SinkAudio = pcm ?? { path: path! };
      const events = head.stream({ image: input.image, audio: pcm ?? input.audio }, generateOptions);
      return collectTalkingHead(events, {
        ...(sink ? { sink } : {}),
        audio,
        ...(generateOptions.onEvent ? { onEvent: generateOptions.onEvent } : {}),
      });
    },
  };
}
