import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createOrtBackend, type OrtRuntime } from '@joyvasa/backend-onnx-common';
import { type BackendV1, type Device, InvalidInputError } from '@joyvasa/core';
import { createWorkerRuntime } from './worker-runtime.js';

/** Options of {@link createOnnxNodeBackend}. */
export interface OnnxNodeBackendOptions {
  /**
   * Devices `'auto'` may pick, best first. Default `['cuda', 'cpu']`. Add `'webgpu'` to allow the Dawn
   * WebGPU execution provider, which needs a Vulkan driver.
   */
  readonly preference?: readonly Device[];
  /** CUDA device index. Default 0. */
  readonly cudaDeviceId?: number;
  /**
   * The onnxruntime-node module to use; by default it is imported on first use. Only with `thread: 'main'`:
   * a worker thread imports its own.
   */
  readonly runtime?: OrtRuntime;
  /**
   * Where inferences run. `'main'` (default): on the calling thread, onnxruntime-node's own way, which blocks
   * the event loop for each whole inference. `'worker'`: each session in a worker thread of its own, so the
   * calling thread stays free (a server keeps answering while a head renders) and sessions of different
   * stages run at the same time. Inputs are copied to the worker, except a tensor fed to many runs (see
   * `upload`), which the worker keeps; outputs are moved back without a copy. `createTalkingHead` in Node
   * uses `'worker'` when you pass no backend.
   */
  readonly thread?: 'main' | 'worker';
}

/**
 * Whether onnxruntime-node's CUDA provider library is installed (its install script downloads it on
 * linux/x64 unless told to skip). Unknown package layouts answer true and leave it to the probe.
 */
function cudaProviderInstalled(): boolean {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const file =
      process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    return existsSync(join(root, 'bin', 'napi-v6', process.platform, process.arch, file));
  } catch {
    return true;
  }
}

/** `onnxruntime-node <version>` of the installed package, or undefined where it cannot be read. */
function installedRuntime(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version?: unknown };
    return typeof manifest.version === 'string' ? `onnxruntime-node ${manifest.version}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A backend on onnxruntime-node: `cpu` always; `cuda` when the installed runtime has its CUDA provider
 * (onnxruntime-node downloads it at install time on linux/x64 unless told to skip); `webgpu` on request.
 */
export function createOnnxNodeBackend(options: OnnxNodeBackendOptions = {}): BackendV1 {
  const preference = options.preference ?? ['cuda', 'cpu'];
  const thread = options.thread ?? 'main';
  if (thread !== 'main' && thread !== 'worker') {
    throw new InvalidInputError('options.thread', `expected 'main' or 'worker', got ${String(thread)}`);
  }
  if (thread === 'worker' && options.runtime) {
    throw new InvalidInputError(
      'options.runtime',
      "a runtime object cannot cross into a worker thread: pass it with thread: 'main'",
    );
  }
  const runtime = options.runtime ? undefined : installedRuntime();
  return createOrtBackend({
    name: 'onnx-node',
    ...(runtime ? { runtime } : {}),
    loadRuntime: async () =>
      thread === 'worker'
        ? createWorkerRuntime()
        : (options.runtime ?? ((await import('onnxruntime-node')) as unknown as OrtRuntime)),
    devices: ['cpu', 'cuda', 'webgpu'],
    autoPreference: preference,
    canHave: (device) => device !== 'cuda' || options.runtime !== undefined || cudaProviderInstalled(),
    executionProviders: (device) =>
      device === 'cuda' ? [{ name: 'cuda', deviceId: options.cudaDeviceId ?? 0 }] : [device],
    sessionOptions: (session) => ({
      ...(session.threads ? { intraOpNumThreads: session.threads } : {}),
      // Spin-waiting threads slow everything down on small shared machines.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    }),
    unsupportedHint: (device) =>
      device === 'cuda'
        ? 'onnxruntime-node finds CUDA only when its install script has downloaded the CUDA provider (linux/x64): ' +
          'let that script run (no ONNXRUNTIME_NODE_INSTALL=skip; where install scripts need approval, approve ' +
          "onnxruntime-node's: `pnpm approve-builds onnxruntime-node`, or with npm 11 `npm approve-scripts " +
          'onnxruntime-node`, which records it in package.json "allowScripts"), then run `npm rebuild ' +
          'onnxruntime-node` or reinstall it (the "CUDA" section of the @joyvasa/backend-onnx-node README).'
        : device === 'wasm'
          ? 'wasm is a browser device: use @joyvasa/backend-onnx-web.'
          : '',
  });
}
