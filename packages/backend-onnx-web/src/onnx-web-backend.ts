import { createOrtBackend, type OrtRuntime } from '@joyvasa/backend-onnx-common';
import type { BackendV1, Device } from '@joyvasa/core';

/** Options of {@link createOnnxWebBackend}. */
export interface OnnxWebBackendOptions {
  /**
   * The onnxruntime-web module to use. By default `onnxruntime-web/webgpu` (the native WebGPU execution
   * provider, which also runs wasm) is imported on first use in browsers, and `onnxruntime-web` (wasm only)
   * in Node.
   */
  readonly runtime?: OrtRuntime;
  /** Devices `'auto'` may pick, best first. Default `['webgpu', 'wasm']`. */
  readonly preference?: readonly Device[];
}

function inBrowser(): boolean {
  return (
    typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
    typeof importScripts === 'function'
  );
}

declare function importScripts(...urls: string[]): void;

/**
 * A backend on onnxruntime-web: `webgpu` where the browser offers an adapter, `wasm` everywhere.
 * Runs are serialised per backend, as WebGPU sessions must not run concurrently.
 *
 * onnxruntime-web keeps some settings process-wide (`ort.env.wasm.numThreads`, `wasmPaths`); set them on
 * the runtime you pass in, before the first session is created.
 */
export function createOnnxWebBackend(options: OnnxWebBackendOptions = {}): BackendV1 {
  return createOrtBackend({
    name: 'onnx-web',
    loadRuntime: async () => {
      if (options.runtime) return options.runtime;
      const module = inBrowser() ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web');
      return module as unknown as OrtRuntime;
    },
    devices: ['webgpu', 'wasm'],
    autoPreference: options.preference ?? ['webgpu', 'wasm'],
    executionProviders: (device) => [device],
    serializeRuns: true,
    unsupportedHint: (device) =>
      device === 'webgpu'
        ? 'This browser offers no WebGPU adapter (in Chromium, check chrome://gpu).'
        : device === 'cpu' || device === 'cuda'
          ? `${device} is a Node device: use @joyvasa/backend-onnx-node.`
          : '',
  });
}
