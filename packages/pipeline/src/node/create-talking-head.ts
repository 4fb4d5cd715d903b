import { fileURLToPath } from 'node:url';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { createUrlSource, type ImageLike, toRgbImage } from '@joyvasa/core';
import { createDirectorySource, createFileStore } from '@joyvasa/core/node';
import { createFileVariantChoiceCache, readImage, readNvidiaGpuIdentity } from '@joyvasa/liveportrait/node';
import { openTalkingHead } from '../head/open-talking-head.js';
import type { GenerateOptions, GeneratingTalkingHead } from '../head/talking-head.js';
import type { TalkingHeadOptions } from '../run/talking-head-options.js';
import { loadDefaultNodeBackend } from './default-node-backend.js';
import { createFfmpegVideoSink } from './sinks/ffmpeg-video-sink.js';

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
  /** Writes an mp4 (H.264 + AAC, at the motion model's frame rate) there, with the audio track. */
  readonly output?: string;
  /** Path of ffmpeg when it is not on PATH. */
  readonly ffmpegPath?: string;
}

/**
 * The Node talking head: `stream()` plus `generate()`, which animates and collects into `output` (mp4 with
 * the audio muxed in), a `sink`, or memory (frames). The video carries the caller's own audio: a file as it
 * is, PCM at its rate, bytes with their channels and rate as decoded (not the mono the model hears).
 */
export type NodeTalkingHead = GeneratingTalkingHead<NodeImageInput, NodeAudioInput, NodeGenerateOptions>;

function isImageLike(value: unknown): value is ImageLike {
  return typeof value === 'object' && value !== null && 'width' in value && 'channels' in value;
}

function isRemote(location: unknown): boolean {
  return (typeof location === 'string' || location instanceof URL) && /^https?:/.test(String(location));
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
export function createTalkingHead(options: TalkingHeadOptions): Promise<NodeTalkingHead> {
  return openTalkingHead<NodeImageInput, NodeAudioInput, NodeGenerateOptions>(options, {
    defaultBackend: loadDefaultNodeBackend,
    locate: (location) =>
      isRemote(location)
        ? createUrlSource(location)
        : createDirectorySource(asPath(location) ?? String(location)),
    // Only downloads are cached: a local bundle folder is read where it is.
    defaultStore: (models) => (isRemote(models) ? createFileStore() : undefined),
    async decodeImage(input) {
      return isImageLike(input)
        ? toRgbImage(input)
        : readImage(input as string | URL | Uint8Array | ArrayBuffer);
    },
    decodeAudio: (input, decodeOptions) => decodeAudio(input, decodeOptions),
    audioFile: asPath,
    // Renderer forms timed on this GPU are remembered across processes.
    rendererChoice: { cache: createFileVariantChoiceCache(), gpu: () => readNvidiaGpuIdentity() },
    defaultSink: ({ output, ffmpegPath }) =>
      output ? createFfmpegVideoSink({ output, ...(ffmpegPath ? { ffmpegPath } : {}) }) : undefined,
  });
}
