import {
  type BackendV1,
  type Device,
  type DeviceRequest,
  DeviceTensorRegistry,
  type EventListener,
  ModelLoadError,
  resolveDeviceRequest,
  type SessionOptions,
  type SessionV1,
  UnsupportedDeviceError,
} from '@joyvasa/core';
import type { InferenceSession } from 'onnxruntime-common';
import { fixedAxesOption } from './fixed-axes.js';
import { probeModel } from './probe-model.js';
import { type HeldTensor, type OrtRuntime, wrapOrtSession } from './wrap-ort-session.js';

/** How one onnxruntime package maps onto {@link BackendV1}. */
export interface OrtBackendDefinition {
  /** Backend name, also the key of its `backendOptions`. */
  readonly name: string;
  /** The runtime and its version (`BackendV1.runtime`), when known. */
  readonly runtime?: string;
  /** Imports the runtime lazily (so importing the backend has no side effect). */
  loadRuntime(): Promise<OrtRuntime>;
  /** Every device this runtime can serve; each is probed once, on first need. */
  readonly devices: readonly Device[];
  /** Devices `'auto'` may pick, best first. */
  readonly autoPreference: readonly Device[];
  /** Execution providers for a device. */
  executionProviders(device: Device): InferenceSession.SessionOptions['executionProviders'];
  /** Extra session options for the portable options (threads and the like). */
  sessionOptions?(options: SessionOptions): InferenceSession.SessionOptions;
  /**
   * A cheap check that runs before probing a device; false means unavailable without trying (for example
   * when a provider library is not installed, which saves the runtime's error message on every start).
   */
  canHave?(device: Device): boolean;
  /** A hint added to `UnsupportedDeviceError` messages, e.g. how to install CUDA support. */
  unsupportedHint?(device: Device): string;
  /** Run one inference at a time per backend (needed by WebGPU). */
  readonly serializeRuns?: boolean;
  /**
   * Create one session at a time per backend, in the same queue as the runs: onnxruntime-web's WebGPU
   * execution provider rejects a session created while another is being created ("another WebGPU EP
   * inference session is being created"), and a pipeline loads its models in parallel.
   */
  readonly serializeSessionCreation?: boolean;
  /**
   * Whether the runtime may take the buffers of a run's inputs away (onnxruntime-web's proxy worker
   * transfers them to its worker, leaving them empty here): each run then gets copies, so a caller's
   * tensor, or one made by `upload`, can be fed again.
   */
  readonly transfersInputs?: () => boolean;
}

/** Builds a {@link BackendV1} from an onnxruntime package. Device probing is lazy and cached. */
export function createOrtBackend(definition: OrtBackendDefinition): BackendV1 {
  let runtime: Promise<OrtRuntime> | undefined;
  const loadRuntime = () => {
    runtime ??= definition.loadRuntime();
    return runtime;
  };
  const availability = new Map<Device, Promise<boolean>>();
  // Probes run one at a time: onnxruntime-web cannot initialise twice at once (a second concurrent
  // `initWasm` fails and marks wasm as broken for the page).
  let probes: Promise<unknown> = Promise.resolve();
  const probe = async (device: Device): Promise<boolean> => {
    if (definition.canHave && !definition.canHave(device)) return false;
    const ort = await loadRuntime();
    try {
      const session = await ort.InferenceSession.create(probeModel(), {
        executionProviders: definition.executionProviders(device),
        logSeverityLevel: 4,
      });
      await session.release();
      return true;
    } catch {
      return false;
    }
  };
  const isAvailable = (device: Device): Promise<boolean> => {
    let result = availability.get(device);
    if (!result) {
      result = probes.then(() => probe(device));
      probes = result;
      availability.set(device, result);
    }
    return result;
  };
  const supportedDevices = async (): Promise<readonly Device[]> => {
    const checks = await Promise.all(definition.devices.map(isAvailable));
    return definition.devices.filter((_, i) => checks[i]);
  };
  // What an error message lists: the devices 'auto' may pick and those already probed. Probing the rest
  // (Dawn's WebGPU in Node) would print the runtime's driver noise on stderr just to word a message.
  const quietlyKnownDevices = async (): Promise<readonly Device[]> => {
    const candidates = definition.devices.filter(
      (device) => definition.autoPreference.includes(device) || availability.has(device),
    );
    const checks = await Promise.all(candidates.map(isAvailable));
    return candidates.filter((_, i) => checks[i]);
  };
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  const serialize = <T>(task: () => Promise<T>): Promise<T> =>
    definition.serializeRuns ? inTurn(task) : task();
  const createInTurn = <T>(task: () => Promise<T>): Promise<T> =>
    definition.serializeSessionCreation ? inTurn(task) : task();

  // Device tensors are the backend's, not one session's: any of its sessions on the same device takes them.
  const held = new DeviceTensorRegistry<HeldTensor>();
  // Each listener hears about a fallback once: a pipeline resolves 'auto' for every one of its sessions.
  const toldOfFallback = new WeakSet<EventListener>();
  const fallbackOnce = (onEvent: EventListener | undefined): EventListener | undefined =>
    onEvent && !toldOfFallback.has(onEvent)
      ? (event) => {
          if (event.type === 'backend-fallback') toldOfFallback.add(onEvent);
          onEvent(event);
        }
      : undefined;

  const resolveDevice = async (request: DeviceRequest, onEvent?: EventListener): Promise<Device> => {
    if (request === 'auto') {
      const available = await Promise.all(definition.autoPreference.map(isAvailable));
      const supported = definition.autoPreference.filter((_, i) => available[i]);
      return resolveDeviceRequest(
        definition.name,
        'auto',
        supported,
        definition.autoPreference,
        fallbackOnce(onEvent),
      );
    }
    if (!definition.devices.includes(request) || !(await isAvailable(request))) {
      throw new UnsupportedDeviceError(
        request,
        await quietlyKnownDevices(),
        definition.unsupportedHint?.(request),
      );
    }
    return request;
  };

  return {
    specificationVersion: 'v1',
    name: definition.name,
    ...(definition.runtime ? { runtime: definition.runtime } : {}),
    supportedDevices,
    resolveDevice,
    async createSession(model: Uint8Array, options: SessionOptions = {}): Promise<SessionV1> {
      const device = await resolveDevice(options.device ?? 'auto', options.onEvent);
      const ort = await loadRuntime();
      const extra = (options.backendOptions?.[definition.name] ?? {}) as InferenceSession.SessionOptions;
      const name = options.name ?? 'model';
      let session: InferenceSession;
      try {
        session = await createInTurn(() =>
          ort.InferenceSession.create(model, {
            ...definition.sessionOptions?.(options),
            ...fixedAxesOption(options),
            ...extra,
            executionProviders: extra.executionProviders ?? definition.executionProviders(device),
          }),
        );
      } catch (error) {
        throw new ModelLoadError(
          name,
          `onnxruntime rejected the model on ${device}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      const transfersInputs = definition.transfersInputs?.() ?? false;
      return wrapOrtSession(ort, session, {
        device,
        name,
        serialize,
        transfersInputs,
        held,
        ...(options.fixedAxes ? { fixedAxes: options.fixedAxes } : {}),
      });
    },
  };
}
