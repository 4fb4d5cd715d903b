import { createOnnxWebBackend } from '@joyvasa/backend-onnx-web';
import {
  createTensor,
  createUrlSource,
  ModelLoadError,
  motionGeneratorData,
  openModelBundle,
  type RgbImage,
  type TensorLike,
  UnsupportedDeviceError,
} from '@joyvasa/core';
import {
  createCanvasSink,
  createTalkingHead,
  createTeeSink,
  createWebCodecsVideoSink,
  decodeBrowserImage,
} from '@joyvasa/pipeline/browser';
import type { Harness, JsonTensor, PipelineRequest } from './harness-protocol.js';
import { plainRateEncoder } from './rate-encoder.js';

// One backend for the page, as an app would have: onnxruntime-web is loaded once.
const backend = createOnnxWebBackend();

function toTensor(json: JsonTensor): TensorLike {
  return json.type === 'int64'
    ? createTensor(
        'int64',
        json.dims,
        BigInt64Array.from(json.data, (v) => BigInt(v)),
      )
    : createTensor('float32', json.dims, Float32Array.from(json.data));
}

function toFeeds(feeds: Readonly<Record<string, JsonTensor>>): Record<string, TensorLike> {
  return Object.fromEntries(Object.entries(feeds).map(([name, json]) => [name, toTensor(json)]));
}

function toJson(outputs: Record<string, TensorLike>): Record<string, JsonTensor> {
  return Object.fromEntries(
    Object.entries(outputs).map(([name, tensor]) => [
      name,
      {
        type: tensor.type === 'int64' ? 'int64' : 'float32',
        dims: [...tensor.dims],
        data: Array.from(tensor.data as ArrayLike<number | bigint>, Number),
      },
    ]),
  );
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fingerprint(image: RgbImage): string {
  let hash = 0x811c9dc5;
  for (const byte of image.data) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${image.width}x${image.height}:${hash.toString(16)}`;
}

/** The request's models, opened with a plain-object encoder at `encoderSampleRate` when it names one. */
async function headOptions({ models, encoderSampleRate }: PipelineRequest) {
  if (encoderSampleRate === undefined) return { models };
  const bundle = await openModelBundle(createUrlSource(new URL(models, location.href)));
  const width = motionGeneratorData(bundle.manifest).config.audioFeatureDim;
  return { models: bundle, audioEncoder: plainRateEncoder(encoderSampleRate, width) };
}

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.blob();
}

const harness: Harness = {
  async adapter() {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GPUAdapterLike | null> } }).gpu;
    const adapter = gpu ? await gpu.requestAdapter() : null;
    return {
      crossOriginIsolated: globalThis.crossOriginIsolated,
      adapter: adapter
        ? {
            vendor: adapter.info.vendor,
            architecture: adapter.info.architecture,
            isFallbackAdapter: adapter.info.isFallbackAdapter ?? false,
          }
        : null,
    };
  },

  async resolveDevices() {
    // A fresh backend whose first use is 'auto', as in an app: every device is probed from scratch.
    const fresh = createOnnxWebBackend();
    let fallback: string[] | null = null;
    const settle = (request: Promise<string>) => request.catch((error: Error) => `error: ${error.message}`);
    const auto = await settle(
      fresh.resolveDevice('auto', (event) => {
        if (event.type === 'backend-fallback') fallback = [...event.skipped];
      }),
    );
    return {
      auto,
      fallback,
      // After 'auto', each device must still resolve on its own.
      wasm: await settle(fresh.resolveDevice('wasm')),
      webgpu: await settle(fresh.resolveDevice('webgpu')),
    };
  },

  async runModel({ url, device, feeds }) {
    const bytes = new Uint8Array(await (await fetchBlob(url)).arrayBuffer());
    const session = await backend.createSession(bytes, { device, name: url });
    try {
      const outputs = await session.run(toFeeds(feeds));
      const truncated = await backend
        .createSession(bytes.slice(0, 40), { device, name: 'truncated' })
        .catch((error: unknown) => error);
      const cuda = await backend.resolveDevice('cuda').catch((error: unknown) => error);
      return {
        device: session.device,
        inputNames: [...session.inputNames],
        outputNames: [...session.outputNames],
        outputs: toJson(outputs),
        truncatedModelIsModelLoadError: ModelLoadError.isInstance(truncated),
        cudaIsUnsupportedDeviceError: UnsupportedDeviceError.isInstance(cuda),
      };
    } finally {
      await session.dispose();
    }
  },

  async loadComponent({ models, component, device, verbose, feeds }) {
    const files: string[] = [];
    const bundle = await openModelBundle(createUrlSource(new URL(models, location.href)), {
      onEvent: (event) => {
        if (event.type === 'model-file' && event.status === 'start') files.push(event.file);
      },
    });
    const session = await bundle.createSession(backend, component, {
      device,
      // Passed through to onnxruntime-web untouched: VERBOSE session logs list the node placement.
      ...(verbose ? { backendOptions: { 'onnx-web': { logSeverityLevel: 0, logVerbosityLevel: 0 } } } : {}),
    });
    try {
      return { device: session.device, files, outputs: toJson(await session.run(toFeeds(feeds))) };
    } finally {
      await session.dispose();
    }
  },

  async runPipeline(request) {
    const { image, audio, device, seed, sampler } = request;
    const events: Record<string, number> = {};
    const startedAt = performance.now();
    const count = (event: { readonly type: string; readonly status?: string; readonly file?: string }) => {
      events[event.type] = (events[event.type] ?? 0) + 1;
      // A timeline on the console, which the test prints: where a slow (SwiftShader) run spends its time.
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      if (event.type === 'model-file' && event.status === 'end')
        console.log(`[pipeline] ${seconds} s loaded ${event.file}`);
      else if (
        event.type !== 'model-file' &&
        event.type !== 'progress' &&
        (event.type !== 'frame' || events.frame! % 5 === 1)
      ) {
        console.log(`[pipeline] ${seconds} s ${event.type}`);
      }
    };
    const head = await createTalkingHead({
      ...(await headOptions(request)),
      ...(device ? { device } : {}),
      onEvent: count,
    });
    let first: RgbImage | undefined;
    let last: RgbImage | undefined;
    const canvas = document.getElementById('canvas') as HTMLCanvasElement;
    try {
      const result = await head.generate(
        { image: await fetchBlob(image), audio: await fetchBlob(audio) },
        {
          seed,
          ...(sampler ? { sampler } : {}),
          sink: createCanvasSink(canvas),
          onEvent: (event) => {
            count(event);
            if (event.type !== 'frame') return;
            // The producer may reuse a frame's buffer once the sink is done with it: copy.
            const copy = { ...event.image, data: event.image.data.slice() };
            if (event.index === 0) first = copy;
            last = copy;
          },
        },
      );
      if (!first || !last) throw new Error('the run produced no frame');
      const drawn = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let worst = drawn.length === (last.data.length / 3) * 4 ? 0 : 255;
      for (let p = 0; worst < 255 && p < last.data.length / 3; p++) {
        for (let c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(drawn[p * 4 + c]! - last.data[p * 3 + c]!));
        }
      }
      return {
        frameCount: result.frameCount,
        fps: result.fps,
        durationSeconds: result.durationSeconds,
        width: first.width,
        height: first.height,
        firstFrame: base64(first.data),
        lastFrame: base64(last.data),
        canvasSize: [canvas.width, canvas.height],
        canvasVersusLastFrame: worst,
        events,
        sinkFrameCount: result.sink?.frameCount ?? -1,
      };
    } finally {
      await head.dispose();
    }
  },

  async encodeVideo({ models, image, audio, device, seed }) {
    const head = await createTalkingHead({ models, ...(device ? { device } : {}) });
    const canvas = new OffscreenCanvas(1, 1);
    try {
      const result = await head.generate(
        { image: await fetchBlob(image), audio: await fetchBlob(audio) },
        { seed, sink: createTeeSink(createWebCodecsVideoSink(), createCanvasSink(canvas)) },
      );
      const video = result.sink!;
      return {
        mp4: base64(new Uint8Array(await video.blob.arrayBuffer())),
        frameCount: video.frameCount,
        durationSeconds: video.durationSeconds,
        width: video.width,
        height: video.height,
        videoCodec: video.videoCodec,
        audioCodec: video.audioCodec ?? null,
        framesWritten: video.framesWritten,
        framesPadded: video.framesPadded,
        audioDurationSeconds: video.audioDurationSeconds ?? null,
        canvasSize: [canvas.width, canvas.height],
      };
    } finally {
      await head.dispose();
    }
  },

  async decodeTranslucent(url) {
    return base64((await decodeBrowserImage(await fetchBlob(url))).data);
  },

  async decodeImages(url) {
    const blob = await fetchBlob(url);
    const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const imageData = context.getImageData(0, 0, bitmap.width, bitmap.height);
    const fromBlob = await decodeBrowserImage(blob);
    const results = {
      blob: fingerprint(fromBlob),
      bitmap: fingerprint(await decodeBrowserImage(bitmap)),
      imageData: fingerprint(await decodeBrowserImage(imageData)),
      pixels: fingerprint(await decodeBrowserImage({ ...fromBlob })),
    };
    bitmap.close();
    const rejected = await decodeBrowserImage('portrait.png' as unknown as Blob).catch((e: unknown) => e);
    return { results, rejectsString: (rejected as Error)?.name === 'InvalidInputError' };
  },
};

/** The few fields of a WebGPU adapter read here (the DOM typings of this repo carry no WebGPU types). */
interface GPUAdapterLike {
  readonly info: { vendor: string; architecture: string; isFallbackAdapter?: boolean };
}

(globalThis as { harness?: Harness }).harness = harness;
