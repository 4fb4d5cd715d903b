import { decodeAudio } from '@joyvasa/audio-encoder';
import { createOnnxWebBackend } from '@joyvasa/backend-onnx-web';
import { createCacheApiStore, createUrlSource, InvalidInputError } from '@joyvasa/core';
import { createMemoryVariantChoiceCache } from '@joyvasa/liveportrait';
import { openTalkingHead } from '../head/open-talking-head.js';
import type { GenerateOptions, GeneratingTalkingHead } from '../head/talking-head.js';
import type { TalkingHeadOptions } from '../run/talking-head-options.js';
import { type BrowserImageInput, decodeBrowserImage } from './decode-browser-image.js';

/**
 * Audio in a browser: an encoded file (`File` or `Blob`, or its bytes as `ArrayBuffer` / `Uint8Array`) or
 * mono PCM at a sample rate in Hz. WAV is parsed in TypeScript; MP3, AAC/M4A, Ogg and the rest are decoded
 * by the browser's Web Audio API.
 */
export type BrowserAudioInput =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | { readonly pcm: Float32Array; readonly sampleRate: number };

/** Options of {@link BrowserTalkingHead}'s `generate`: a sink such as `createCanvasSink(canvas)`, or memory. */
export type BrowserGenerateOptions = GenerateOptions;

/**
 * The browser talking head: `stream()` plus `generate()`, which animates and collects into a sink (given the
 * caller's own audio, its channels and rate as decoded) or into memory (`frames`; about 0.8 MB a frame at 512x512, so prefer a
 * sink for long audio).
 */
export type BrowserTalkingHead = GeneratingTalkingHead<
  BrowserImageInput,
  BrowserAudioInput,
  BrowserGenerateOptions
>;

/**
 * Renderer forms chosen by timing on this page's GPU, shared by its heads (a memo, not a setting): a page
 * cannot name its GPU and driver reliably, so nothing outlives it.
 */
const pageRendererChoices = createMemoryVariantChoiceCache();

/** Resolves a relative bundle URL (`/models/fixture/`) against the page or worker that loads it. */
function absoluteUrl(location: string | URL): URL {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(String(location), base);
  } catch (cause) {
    throw new InvalidInputError(
      'models',
      `'${String(location)}' is not a URL${base ? '' : ' (relative URLs need a page or worker to resolve against)'}; pass the bundle's http(s) URL`,
      { cause },
    );
  }
}

/**
 * Loads a talking head in a browser or worker. `models` is the URL of a bundle folder (fetched on demand
 * and cached by sha256 in Cache Storage unless `store` says otherwise; relative URLs resolve against the
 * page), a `ModelSourceV1` (e.g. `createMemorySource` over files the user picked; not cached unless you
 * pass a `store`), or an opened bundle.
 * The backend defaults to onnxruntime-web; `device: 'auto'` (default) runs on WebGPU when the browser
 * offers an adapter and on WASM otherwise, reporting the fallback as a `backend-fallback` event.
 */
export function createTalkingHead(options: TalkingHeadOptions): Promise<BrowserTalkingHead> {
  return openTalkingHead<BrowserImageInput, BrowserAudioInput, BrowserGenerateOptions>(options, {
    defaultBackend: () => createOnnxWebBackend(),
    locate: (location) => createUrlSource(absoluteUrl(location)),
    // Only downloads are cached: a source of your own (files the user picked) is read where it is.
    defaultStore: (models) =>
      typeof models === 'string' || models instanceof URL ? createCacheApiStore() : undefined,
    decodeImage: (input) => decodeBrowserImage(input),
    decodeAudio: (input, decodeOptions) => decodeAudio(input, decodeOptions),
    rendererChoice: { cache: pageRendererChoices },
  });
}
