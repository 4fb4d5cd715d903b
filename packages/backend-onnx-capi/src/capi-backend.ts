import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { probeModel } from '@joyvasa/backend-onnx-common';
import {
  type BackendV1,
  type Device,
  type DeviceRequest,
  type EventListener,
  ModelLoadError,
  resolveDeviceRequest,
  type SessionOptions,
  type SessionV1,
  UnsupportedDeviceError,
} from '@joyvasa/core';
import { createCapiSession, type DeviceMemory } from './capi-session.js';
import { DeviceCopier } from './device-copier.js';
import { createNativeSession, type NativeSessionConfig, readSignature } from './native-session.js';
import { defaultLibraryPath, loadOrtLibrary } from './ort-library.js';
import { OrtRuntime } from './ort-runtime.js';
import type { OnnxCapiSessionOptions } from './provider-options.js';

/** The backend's name, also the key of its `SessionOptions.backendOptions`. */
export const onnxCapiBackendName = 'onnx-capi';

/** Options of {@link createOnnxCapiBackend}. */
export interface OnnxCapiBackendOptions {
  /** Devices `'auto'` may pick, best first. Default `['cuda', 'cpu']`. */
  readonly preference?: readonly Device[];
  /** CUDA device index. Default 0. */
  readonly cudaDeviceId?: number;
  /** `libonnxruntime` to load. Default: the one onnxruntime-node installed. */
  readonly libraryPath?: string;
  /** Options for every session; a session's `backendOptions['onnx-capi']` overrides them field by field. */
  readonly sessionDefaults?: OnnxCapiSessionOptions;
}

/** A {@link BackendV1} on onnxruntime's C API, with a count of the native objects it holds. */
export interface OnnxCapiBackend extends BackendV1 {
  /** onnxruntime objects alive now, per kind (sessions, values, bindings…); empty when all are released. */
  aliveObjects(): Promise<Record<string, number>>;
}

const installHint =
  'The onnx-capi backend loads the libonnxruntime that onnxruntime-node installs, through koffi: `npm install onnxruntime-node koffi` (koffi brings a prebuilt binary for this platform).';
const cudaHint =
  "CUDA needs onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so beside libonnxruntime: reinstall onnxruntime-node on linux/x64 without ONNXRUNTIME_NODE_INSTALL=skip) and the CUDA and cuDNN libraries it links against on the library path.";

/**
 * A backend on onnxruntime's C API through koffi: `cpu` always (where the library loads), `cuda` where the
 * CUDA provider loads. What it adds over `@joyvasa/backend-onnx-node`: the CUDA provider's own options,
 * tensors held in device memory (`upload`), outputs fetched only when asked for, CUDA graphs, and runs that
 * leave the event loop free.
 */
export function createOnnxCapiBackend(options: OnnxCapiBackendOptions = {}): OnnxCapiBackend {
  const preference = options.preference ?? ['cuda', 'cpu'];
  const cudaDeviceId = options.cudaDeviceId ?? 0;
  const libraryPath = options.libraryPath ?? defaultLibraryPath();
  let runtime: Promise<OrtRuntime> | undefined;
  const loadRuntime = () => {
    runtime ??= libraryPath
      ? loadOrtLibrary(libraryPath).then((library) => new OrtRuntime(library))
      : Promise.reject(new Error('onnxruntime-node is not installed'));
    return runtime;
  };
  /** Why each unavailable device is unavailable. */
  const reasons = new Map<Device, string>();
  const probes = new Map<Device, Promise<boolean>>();
  const probe = async (device: Device): Promise<boolean> => {
    let ort: OrtRuntime;
    try {
      ort = await loadRuntime();
    } catch (error) {
      reasons.set(device, `${(error as Error).message}. ${installHint}`);
      return false;
    }
    if (device === 'cpu') return true;
    if (device !== 'cuda') return false;
    const provider = join(dirname(ort.library.path), 'libonnxruntime_providers_cuda.so');
    if (!existsSync(provider)) {
      reasons.set(device, `${provider} is missing. ${cudaHint}`);
      return false;
    }
    try {
      const session = await createNativeSession(ort, probeModel(), {
        device,
        deviceId: cudaDeviceId,
        options: {},
      });
      ort.release('session', session);
      return true;
    } catch (error) {
      reasons.set(device, `onnxruntime: ${(error as Error).message}. ${cudaHint}`);
      return false;
    }
  };
  const isAvailable = (device: Device) => {
    let result = probes.get(device);
    if (!result) {
      result = probe(device);
      probes.set(device, result);
    }
    return result;
  };
  const known: readonly Device[] = ['cpu', 'cuda'];
  const supportedDevices = async () => {
    const checks = await Promise.all(known.map(isAvailable));
    return known.filter((_, i) => checks[i]);
  };
  const resolveDevice = async (request: DeviceRequest, onEvent?: EventListener): Promise<Device> => {
    const supported = await supportedDevices();
    if (request !== 'auto' && !supported.includes(request)) {
      const hint = reasons.get(request) ?? `The ${onnxCapiBackendName} backend serves cpu and cuda only.`;
      throw new UnsupportedDeviceError(request, supported, hint);
    }
    if (request === 'auto' && supported.length === 0) {
      throw new UnsupportedDeviceError('auto', [], reasons.get('cpu') ?? installHint);
    }
    return resolveDeviceRequest(onnxCapiBackendName, request, supported, preference, onEvent);
  };

  return {
    specificationVersion: 'v1',
    name: onnxCapiBackendName,
    supportedDevices,
    resolveDevice,
    async aliveObjects() {
      return runtime ? (await runtime).objects.alive() : {};
    },
    async createSession(model: Uint8Array, sessionOptions: SessionOptions = {}): Promise<SessionV1> {
      const device = await resolveDevice(sessionOptions.device ?? 'auto', sessionOptions.onEvent);
      const ort = await loadRuntime();
      const own = (sessionOptions.backendOptions?.[onnxCapiBackendName] ?? {}) as OnnxCapiSessionOptions;
      const merged: OnnxCapiSessionOptions = { ...options.sessionDefaults, ...own };
      const config: NativeSessionConfig = {
        device,
        deviceId: merged.cuda?.deviceId ?? cudaDeviceId,
        ...(device === 'cpu' && sessionOptions.threads ? { threads: sessionOptions.threads } : {}),
        options: merged,
      };
      return openSession(ort, model, config, sessionOptions.name ?? 'model');
    },
  };
}

/** Creates the native session and its wrapper; any failure is a `ModelLoadError` with onnxruntime's message. */
async function openSession(
  ort: OrtRuntime,
  model: Uint8Array,
  config: NativeSessionConfig,
  name: string,
): Promise<SessionV1> {
  const fail = (error: unknown) =>
    new ModelLoadError(
      name,
      `onnxruntime rejected the model on ${config.device}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  let session: bigint;
  try {
    session = await createNativeSession(ort, model, config);
  } catch (error) {
    throw fail(error);
  }
  try {
    const inputs = readSignature(ort, session, 'input');
    const outputs = readSignature(ort, session, 'output');
    const gpu = config.device === 'cuda' ? deviceMemory(ort, session, config) : undefined;
    return createCapiSession({
      runtime: ort,
      session,
      device: config.device,
      name,
      inputs,
      outputs,
      ...(gpu ? { gpu } : {}),
    });
  } catch (error) {
    ort.release('session', session);
    throw fail(error);
  }
}

/** The CUDA session's memory info, allocator and copier (its copy sessions made on first use). */
function deviceMemory(ort: OrtRuntime, session: bigint, config: NativeSessionConfig): DeviceMemory {
  const memory = ort.create('memory-info', 'CreateMemoryInfo', 'Cuda', 1, config.deviceId, 0);
  try {
    const allocator = ort.create('allocator', 'CreateAllocator', session, memory);
    const copyConfig: NativeSessionConfig = {
      device: 'cuda',
      deviceId: config.deviceId,
      options: { cuda: { deviceId: config.deviceId } },
    };
    const copier = new DeviceCopier(ort, (bytes) => createNativeSession(ort, bytes, copyConfig));
    return { memory, allocator, copier, cudaGraph: config.options.cuda?.enableCudaGraph === true };
  } catch (error) {
    ort.release('memory-info', memory);
    throw error;
  }
}
