/**
 * What crosses between the Node test and the harness page (`window.harness`): plain JSON, as
 * `page.evaluate` carries nothing else. Pixels travel as base64, tensors as number arrays.
 */

/** A tensor as JSON; int64 values must be safe integers. */
export interface JsonTensor {
  readonly type: 'float32' | 'int64';
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

export interface AdapterReport {
  readonly crossOriginIsolated: boolean;
  /** Null when `navigator.gpu` is missing or offers no adapter. */
  readonly adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean } | null;
}

/** What a fresh web backend resolves: `'auto'` first, then each device; `error: …` where it threw. */
export interface ResolveReport {
  readonly auto: string;
  /** The devices the `backend-fallback` event said were skipped, or null when there was none. */
  readonly fallback: readonly string[] | null;
  readonly wasm: string;
  readonly webgpu: string;
}

export interface RunModelRequest {
  readonly url: string;
  readonly device: 'wasm' | 'webgpu';
  readonly feeds: Readonly<Record<string, JsonTensor>>;
}

export interface RunModelReport {
  readonly device: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly outputs: Readonly<Record<string, JsonTensor>>;
  /** The typed errors the backend must raise in a browser too. */
  readonly truncatedModelIsModelLoadError: boolean;
  readonly cudaIsUnsupportedDeviceError: boolean;
}

export interface LoadComponentRequest {
  /** Bundle URL, relative to the page. */
  readonly models: string;
  readonly component: string;
  readonly device: 'wasm' | 'webgpu';
  /** Session logging at VERBOSE, so the console shows where each node was placed. */
  readonly verbose: boolean;
  readonly feeds: Readonly<Record<string, JsonTensor>>;
}

export interface LoadComponentReport {
  readonly device: string;
  /** Bundle files read for the component (`model-file` start events). */
  readonly files: readonly string[];
  readonly outputs: Readonly<Record<string, JsonTensor>>;
}

export interface PipelineRequest {
  readonly models: string;
  /** URLs of the inputs, fetched as Blobs: the image and audio a user picks arrive as File objects. */
  readonly image: string;
  readonly audio: string;
  /** Absent: the README's call, `createTalkingHead({ models })` with its default device `'auto'`. */
  readonly device?: 'wasm' | 'webgpu';
  readonly seed: number;
  /** Default DDPM (every step); DDIM keeps a run on SwiftShader's CPU-emulated WebGPU within minutes. */
  readonly sampler?: { readonly ddim: number };
  /** Animate with a plain-object encoder (`plainRateEncoder`) at this rate instead of the bundle's. */
  readonly encoderSampleRate?: number;
}

export interface PipelineReport {
  readonly frameCount: number;
  readonly fps: number;
  readonly durationSeconds: number;
  /** Frame size, from the first frame event. */
  readonly width: number;
  readonly height: number;
  /** RGB bytes of the first and last frames, base64. */
  readonly firstFrame: string;
  readonly lastFrame: string;
  /** What the canvas sink left on the canvas, compared with the last frame (largest channel difference). */
  readonly canvasSize: readonly [number, number];
  readonly canvasVersusLastFrame: number;
  /** Count of each event type seen. */
  readonly events: Readonly<Record<string, number>>;
  /** `sink.finish()`'s frame count, as `generate` returned it. */
  readonly sinkFrameCount: number;
}

export interface DecodeReport {
  /** Size and an FNV-1a hash of the RGB bytes from each input kind. */
  readonly results: Readonly<Record<'blob' | 'bitmap' | 'imageData' | 'pixels', string>>;
  readonly rejectsString: boolean;
}

export interface VideoReport {
  /** The MP4 from the WebCodecs sink, base64. */
  readonly mp4: string;
  readonly frameCount: number;
  readonly durationSeconds: number;
  readonly width: number;
  readonly height: number;
  readonly videoCodec: string;
  readonly audioCodec: string | null;
  readonly framesWritten: number;
  readonly framesPadded: number;
  readonly audioDurationSeconds: number | null;
  /** What the tee's second sink (a canvas) drew: its size. */
  readonly canvasSize: readonly [number, number];
}

/** The functions the harness page puts on `window.harness`. */
export interface Harness {
  adapter(): Promise<AdapterReport>;
  resolveDevices(): Promise<ResolveReport>;
  runModel(request: RunModelRequest): Promise<RunModelReport>;
  loadComponent(request: LoadComponentRequest): Promise<LoadComponentReport>;
  runPipeline(request: PipelineRequest): Promise<PipelineReport>;
  decodeImages(url: string): Promise<DecodeReport>;
  /** A PNG with alpha decoded from a File: its RGB bytes, base64. */
  decodeTranslucent(url: string): Promise<string>;
  /** The pipeline into an MP4 made with WebCodecs, with a canvas preview beside it (a tee sink). */
  encodeVideo(request: PipelineRequest): Promise<VideoReport>;
}
