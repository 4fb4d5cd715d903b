import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import type { BackendV1 } from '@joyvasa/core';
import { createOnnxWebBackendWith, type OnnxWebBackendOptions } from './onnx-web-backend.js';

export type { OnnxWebBackendOptions } from './onnx-web-backend.js';

/**
 * A backend on onnxruntime-web: `webgpu` where the browser offers an adapter, `wasm` everywhere (this is the
 * browser entry: it loads `onnxruntime-web/webgpu`). Session creations and runs take turns per backend:
 * WebGPU allows one session to be created, or run, at a time.
 *
 * onnxruntime-web keeps some settings process-wide (`ort.env.wasm.numThreads`, `wasmPaths`); set them on
 * the runtime you pass in, before the first session is created.
 */
export function createOnnxWebBackend(options: OnnxWebBackendOptions = {}): BackendV1 {
  return createOnnxWebBackendWith(
    async () => (await import('onnxruntime-web/webgpu')) as unknown as OrtRuntime,
    options,
  );
}
