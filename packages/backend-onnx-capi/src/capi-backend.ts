import type {
  BackendV1,
  Device,
  DeviceRequest,
  EventListener,
  SessionOptions,
  SessionV1,
} from '@joyvasa/core';
import { DeviceTensorRegistry, resolveDeviceRequest, UnsupportedDeviceError } from '@joyvasa/core';
import { createDeviceProbe, installHint } from './device-probe.js';
import type { NativeSessionConfig } from './native-session.js';
import { openSession } from './open-session.js';
import { defaultLibraryPath, loadOrtLibrary } from './ort-library.js';
import { OrtRuntime } from './ort-runtime.js';
import { type OnnxCapiSessionOptions, sessionCapiOptions } from './provider-options.js';

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
  /**
   * Options for every session; a session's `backendOptions['onnx-capi']` overrides them field by field (the
   * `cuda`, `tensorrt` and `sessionConfig` objects key by key), and `sessions[name]` of either overrides
   * both for the session of that name.
   */
  readonly sessionDefaults?: OnnxCapiSessionOptions;
}

/** A {@link BackendV1} on onnxruntime's C API, with a count of the native objects it holds. */
export interface OnnxCapiBackend extends BackendV1 {
  /** onnxruntime objects alive now, per kind (sessions, values, bindings…); empty when all are released. */
  aliveObjects(): Promise<Record<string, number>>;
}

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
  const { isAvailable, reason } = createDeviceProbe(loadRuntime, cudaDeviceId);
  // Device tensors are the backend's: any of its sessions on the same device takes them (W's output to G).
  const deviceTensors = new DeviceTensorRegistry<bigint>();
  const known: readonly Device[] = ['cpu', 'cuda'];
  const supportedDevices = async () => {
    const checks = await Promise.all(known.map(isAvailable));
    return known.filter((_, i) => checks[i]);
  };
  /** The devices `'auto'` may pick that are available, probed in order of preference. */
  const preferredAvailable = async () => {
    const checks = await Promise.all(preference.map(isAvailable));
    return preference.filter((_, i) => checks[i]);
  };
  // An explicit device is probed alone: a CPU session never pays for loading the CUDA provider.
  const resolveDevice = async (request: DeviceRequest, onEvent?: EventListener): Promise<Device> => {
    if (request !== 'auto') {
      if (known.includes(request) && (await isAvailable(request))) return request;
      const hint = reason(request) ?? `The ${onnxCapiBackendName} backend serves cpu and cuda only.`;
      throw new UnsupportedDeviceError(request, await preferredAvailable(), hint);
    }
    const supported = await preferredAvailable();
    if (supported.length === 0) {
      throw new UnsupportedDeviceError('auto', [], reason('cpu') ?? installHint);
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
      const own = sessionOptions.backendOptions?.[onnxCapiBackendName] as OnnxCapiSessionOptions | undefined;
      const merged = sessionCapiOptions(options.sessionDefaults, own, sessionOptions.name);
      const config: NativeSessionConfig = {
        device,
        deviceId: merged.cuda?.deviceId ?? cudaDeviceId,
        ...(device === 'cpu' && sessionOptions.threads ? { threads: sessionOptions.threads } : {}),
        ...(sessionOptions.fixedAxes ? { fixedAxes: sessionOptions.fixedAxes } : {}),
        options: merged,
      };
      return openSession(ort, model, config, sessionOptions.name ?? 'model', deviceTensors);
    },
  };
}
