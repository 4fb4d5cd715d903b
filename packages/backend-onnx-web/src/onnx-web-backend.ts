import { createOrtBackend, type OrtRuntime } from '@joyvasa/backend-onnx-common';
import { type BackendV1, type Device, InvalidInputError } from '@joyvasa/core';

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
  /**
   * Runs WASM inference in onnxruntime-web's proxy worker instead of on the page's thread, so the page
   * stays responsive while a head renders on `wasm`. Default false.
   *
   * Caveats: the proxy is a setting of the runtime module (`env.wasm.proxy`), fixed when the runtime first
   * starts, so every backend on one runtime must agree (a backend asking otherwise fails with
   * `InvalidInputError`); and the proxy runs `wasm` only, so such a backend offers no `webgpu` device. In
   * Node the runtime has no proxy and runs on the calling thread (use `@joyvasa/backend-onnx-node`).
   */
  readonly proxy?: boolean;
}

/** The part of onnxruntime-web's `env` the proxy option sets. */
interface WasmEnvironment {
  readonly env?: { readonly wasm: { proxy?: boolean } };
}

/** The proxy setting our backends gave each runtime's `env`: the first one fixes it for the page. */
const proxySettings = new WeakMap<object, boolean>();

/** Sets the proxy flag of `runtime` as `proxy` asks, unless a backend before this one set it otherwise. */
function applyProxySetting(runtime: OrtRuntime, proxy: boolean): OrtRuntime {
  const wasm = (runtime as WasmEnvironment).env?.wasm;
  if (!wasm) return runtime;
  const fixed = proxySettings.get(wasm);
  if (fixed !== undefined && fixed !== proxy) {
    throw new InvalidInputError(
      'options.proxy',
      `another backend on this onnxruntime-web runtime already runs with proxy: ${fixed}; the proxy is a setting of the whole runtime, so every backend on it must use the same`,
    );
  }
  proxySettings.set(wasm, proxy);
  wasm.proxy = proxy;
  return runtime;
}

/**
 * The backend with the platform's default runtime; `createOnnxWebBackend` (browser and Node entries) is
 * what users call.
 */
export function createOnnxWebBackendWith(
  defaultRuntime: () => Promise<OrtRuntime>,
  options: OnnxWebBackendOptions = {},
): BackendV1 {
  const proxy = options.proxy ?? false;
  const devices: readonly Device[] = proxy ? ['wasm'] : ['webgpu', 'wasm'];
  return createOrtBackend({
    name: 'onnx-web',
    loadRuntime: async () => applyProxySetting(options.runtime ?? (await defaultRuntime()), proxy),
    devices,
    autoPreference: (options.preference ?? ['webgpu', 'wasm']).filter((device) => devices.includes(device)),
    executionProviders: (device) => [device],
    serializeRuns: true,
    // onnxruntime-web's proxy transfers each run's input buffers to its worker.
    transfersInputs: () => proxy,
    serializeSessionCreation: true,
    unsupportedHint: (device) =>
      device === 'webgpu'
        ? proxy
          ? "A backend with proxy: true runs wasm only; create one without it for 'webgpu'."
          : 'This browser offers no WebGPU adapter (in Chromium, check chrome://gpu).'
        : device === 'cpu' || device === 'cuda'
          ? `${device} is a Node device: use @joyvasa/backend-onnx-node.`
          : '',
  });
}
