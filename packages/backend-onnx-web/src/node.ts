import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import type { BackendV1 } from '@joyvasa/core';
import { createOnnxWebBackendWith, type OnnxWebBackendOptions } from './onnx-web-backend.js';

export type { OnnxWebBackendOptions } from './onnx-web-backend.js';

/**
 * A backend on onnxruntime-web in Node (this is the Node entry: it loads `onnxruntime-web`, whose Node
 * build runs `wasm` only). Useful to test the web runtime without a browser.
 */
export function createOnnxWebBackend(options: OnnxWebBackendOptions = {}): BackendV1 {
  return createOnnxWebBackendWith(
    async () => (await import('onnxruntime-web')) as unknown as OrtRuntime,
    options,
  );
}
