import type { Device, DeviceRequest } from './device.js';
import { SessionRunError, UnsupportedDeviceError } from './errors.js';
import type { EventListener } from './events.js';
import type { TensorSpec } from './manifest.js';
import type { DType, TensorLike } from './tensor.js';

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
  /**
   * Free axes of the model fixed for this session, by the name the model gives them (e.g. `{ batch: 8 }`):
   * the runtime then knows every shape when it loads the model and folds the shape arithmetic that would
   * otherwise run on the CPU at each run (which CUDA graphs need). The session reports the fixed sizes in
   * its specs; a feed with another size on such an axis fails with `SessionRunError`. A name the model
   * does not use is ignored. Default: every free axis stays free.
   */
  readonly fixedAxes?: Readonly<Record<string, number>>;
}

/** Options for one run of a session. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  /**
   * The outputs to return, by name; the others are not copied off the device. Default: every output.
   * An unknown name is a `SessionRunError`.
   */
  readonly outputs?: readonly string[];
}

/**
 * A tensor that a session holds on its device, made by {@link SessionV1.upload} or
 * {@link SessionV1.runToDevice}: fed to many runs without being copied again (a source's feature volume for a
 * whole video), or handed from one model to the next without a trip through the host (the warping module's
 * output to the generator). Any session of the same backend on the same device may take it; it lives until
 * disposed, or until the session that made it is disposed. A run given a disposed one, one from another
 * backend (or another backend object), or one on another device fails with `SessionRunError` naming the
 * input.
 */
export interface DeviceTensor {
  readonly kind: 'device-tensor';
  readonly type: DType;
  readonly dims: readonly number[];
  /** Frees the device memory. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

/** What a run takes for one input: a plain tensor (copied up for this run) or one the session holds. */
export type SessionFeed = TensorLike | DeviceTensor;

/**
 * The feeds of a session that holds no device tensors (no `upload`), as plain tensors; a device tensor
 * among them is a `SessionRunError` naming the input.
 */
export function plainFeeds(
  feeds: Readonly<Record<string, SessionFeed>>,
  component: string,
): Record<string, TensorLike> {
  const plain: Record<string, TensorLike> = {};
  for (const [name, feed] of Object.entries(feeds)) {
    if (isDeviceTensor(feed)) {
      throw new SessionRunError(
        component,
        `input ${name} is a device tensor, which this session cannot take`,
      );
    }
    plain[name] = feed;
  }
  return plain;
}

/** True for a {@link DeviceTensor} (checked by shape, never `instanceof`). */
export function isDeviceTensor(value: unknown): value is DeviceTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'device-tensor' &&
    typeof (value as { dispose?: unknown }).dispose === 'function'
  );
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
  /**
   * Runs the model. Feeds are keyed by input name; the outputs (every one, or those `options.outputs`
   * names) are returned on the CPU.
   */
  run(
    feeds: Readonly<Record<string, SessionFeed>>,
    options?: RunOptions,
  ): Promise<Record<string, TensorLike>>;
  /**
   * Optional: copies a tensor to the session's device once, for many runs. Backends without device memory
   * of their own may keep it on the CPU; the result of a run is the same either way.
   */
  upload?(tensor: TensorLike): Promise<DeviceTensor>;
  /**
   * Optional: runs the model as {@link SessionV1.run} does but leaves the outputs (every one, or those
   * `options.outputs` names) on the session's device, as device tensors that another session of the same
   * backend may take. Each is the caller's to dispose (disposing this session frees those left).
   */
  runToDevice?(
    feeds: Readonly<Record<string, SessionFeed>>,
    options?: RunOptions,
  ): Promise<Record<string, DeviceTensor>>;
  /** Frees the session's memory. Calling it twice is harmless. */
  dispose(): Promise<void>;
}

/** A model runtime: creates sessions from ONNX model bytes. */
export interface BackendV1 {
  readonly specificationVersion: 'v1';
  /** Short name used for `backendOptions` and in events, e.g. `onnx-node`. */
  readonly name: string;
  /**
   * The runtime and its version, e.g. `onnxruntime-node 1.30.0`, where the backend knows it: part of what a
   * renderer form chosen by timing is remembered for.
   */
  readonly runtime?: string;
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
