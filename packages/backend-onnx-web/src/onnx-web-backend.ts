import { createOrtBackend, type OrtRuntime } from '@joyvasa/backend-onnx-common';
import type { BackendV1, Device } from '@joyvasa/core';

/** Options of {@link createOnnxWebBackend}. */
export interface OnnxWebBackendOptions {
  /**
   * The onnxruntime-web module to use. By default `onnxruntime-web/webgpu` (the native WebGPU execution
   * provider, which also runs wasm) is imported on first use in browsers, and `onnxruntime-web` (wasm only)
   * in Node; each entry of this package imports only its own, so bundles carry one runtime.
   */
  readonly runtime?: OrtRuntime;
  /** Devices `'auto'` may pick, best first. Default `['webgpu', 'wasm']`. */
  readonly preference?: readonly Device[];
}

/**
 * The backend with the platform's default runtime; `createOnnxWebBackend` (browser and Node entries) is
 * what users call.
 */
export function createOnnxWebBackendWith(
  defaultRuntime: () => Promise<OrtRuntime>,
  options: OnnxWebBackendOptions = {},
): BackendV1 {
  return createOrtBackend({
    name: 'onnx-web',
    loadRuntime: async () => {
      return options.runtime ?? defaultRuntime();
    },
    devices: ['webgpu', 'wasm'],
    autoPreference: options.preference ?? ['webgpu', 'wasm'],
    executionProviders: (device) => [device],
    serializeRuns: true,
    serializeSessionCreation: true,
    unsupportedHint: (device) =>
      device === 'webgpu'
        ? 'This browser offers no WebGPU adapter (in Chromium, check chrome://gpu).'
        : device === 'cpu' || device === 'cuda'
          ? `${device} is a Node device: use @joyvasa/backend-onnx-node.`
          : '',
  });
}
