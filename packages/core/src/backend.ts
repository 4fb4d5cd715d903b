import type { Device, DeviceRequest } from './device.js';
import { UnsupportedDeviceError } from './errors.js';
import type { EventListener } from './events.js';
import type { TensorSpec } from './manifest.js';
import type { TensorLike } from './tensor.js';

/** Options for one session. Everything is per session: there is no global configuration. */
export interface SessionOptions {
  /** Where to run. `'auto'` picks the backend's best device and reports a fallback. Default `'auto'`. */
  readonly device?: DeviceRequest;
  /** Name used in error messages and events, e.g. `warping`. */
  readonly name?: string;
  /** Intra-op threads on CPU devices. Default: the runtime's choice. */
  readonly threads?: number;
  /** Receives `backend-fallback` events. */
  readonly onEvent?: EventListener;
  /** Runtime-specific options, keyed by backend name (`onnx-node`, `onnx-web`); passed through untouched. */
  readonly backendOptions?: Readonly<Record<string, unknown>>;
}

/** Options for one run of a session. */
export interface RunOptions {
  readonly signal?: AbortSignal;
}

/** A loaded model on one device. */
export interface SessionV1 {
  readonly specificationVersion: 'v1';
  /** The device the session actually runs on. */
  readonly device: Device;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Type and dimensions of each input and output as the model declares them (strings or null for free
   * axes), when the runtime reports them; bundles check them against their manifest.
   */
  readonly inputSpecs?: Readonly<Record<string, TensorSpec>>;
  readonly outputSpecs?: Readonly<Record<string, TensorSpec>>;
  /** Runs the model. Feeds are keyed by input name; every output is returned on the CPU. */
  run(feeds: Readonly<Record<string, TensorLike>>, options?: RunOptions): Promise<Record<string, TensorLike>>;
  /** Frees the session's memory. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

/** A model runtime: creates sessions from ONNX model bytes. */
export interface BackendV1 {
  readonly specificationVersion: 'v1';
  /** Short name used for `backendOptions` and in events, e.g. `onnx-node`. */
  readonly name: string;
  /** Devices usable in this process, probed lazily and cached. */
  supportedDevices(): Promise<readonly Device[]>;
  /** Turns a request into a concrete device, reporting a fallback from `'auto'`. */
  resolveDevice(request: DeviceRequest, onEvent?: EventListener): Promise<Device>;
  /** Creates a session from the bytes of an ONNX model. */
  createSession(model: Uint8Array, options?: SessionOptions): Promise<SessionV1>;
}

/**
 * Shared device resolution for backends: an explicit device must be supported (never a silent fallback);
 * `'auto'` takes the first supported entry of `preference` and emits `backend-fallback` if it skipped any.
 */
export function resolveDeviceRequest(
  backend: string,
  request: DeviceRequest,
  supported: readonly Device[],
  preference: readonly Device[],
  onEvent?: EventListener,
): Device {
  if (request !== 'auto') {
    if (supported.includes(request)) return request;
    throw new UnsupportedDeviceError(request, supported);
  }
  const index = preference.findIndex((device) => supported.includes(device));
  if (index < 0)
    throw new UnsupportedDeviceError('auto', supported, `The ${backend} backend found no device.`);
  const device = preference[index]!;
  if (index > 0)
    onEvent?.({ type: 'backend-fallback', backend, device, skipped: preference.slice(0, index) });
  return device;
}
