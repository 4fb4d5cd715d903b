import {
  type Device,
  type DeviceTensor,
  isDeviceTensor,
  JoyvasaError,
  type RunOptions,
  type SessionFeed,
  SessionRunError,
  type SessionV1,
  type TensorLike,
  tensorSize,
  throwIfAborted,
} from '@joyvasa/core';
import { takeBoundOutputs } from './bound-values.js';
import type { DeviceCopier } from './device-copier.js';
import { FixedBindings } from './fixed-bindings.js';
import type { SessionSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';
import { terminateOnAbort } from './terminate-on-abort.js';

/** Device memory of a CUDA session: where uploads and fixed buffers live, and how data gets there. */
export interface DeviceMemory {
  /** `OrtMemoryInfo` of the session's device. */
  readonly memory: bigint;
  /** The session's device allocator (`CreateAllocator`). */
  readonly allocator: bigint;
  readonly copier: DeviceCopier;
  /** The session replays CUDA graphs: every input and output at a fixed address per shape. */
  readonly cudaGraph: boolean;
  /** Page-locked host memory for feeds and fetched outputs (`pinnedHostMemory`), when asked for. */
  readonly pinned?: { readonly memory: bigint; readonly allocator: bigint };
}

/** What {@link createCapiSession} wraps. */
export interface CapiSessionParts {
  readonly runtime: OrtRuntime;
  readonly session: bigint;
  readonly device: Device;
  readonly name: string;
  readonly inputs: SessionSignature;
  readonly outputs: SessionSignature;
  /** Present on CUDA; absent on the CPU, where the host is the device. */
  readonly gpu?: DeviceMemory;
}

type Outputs = Record<string, TensorLike>;

const describe = (feeds: Readonly<Record<string, SessionFeed>>) =>
  Object.entries(feeds)
    .map(([name, tensor]) => `${name} ${tensor.type}[${tensor.dims.join(', ')}]`)
    .join(', ');

function checkFilled(name: string, component: string, tensor: TensorLike): void {
  if (tensor.data.length !== tensorSize(tensor.dims)) {
    throw new SessionRunError(
      component,
      `input ${name} has ${tensor.data.length} elements for dims [${tensor.dims.join(', ')}]`,
    );
  }
}

/**
 * A {@link SessionV1} over a native session. Runs go through one IO binding, one at a time, on libuv's thread
 * pool; `upload` keeps a tensor in the session's device memory; only the outputs a run asks for come back.
 */
export function createCapiSession(parts: CapiSessionParts): SessionV1 {
  const { runtime, session, name: component, gpu } = parts;
  const binding = runtime.create('io-binding', 'CreateIoBinding', session);
  const plainRunOptions = runtime.create('run-options', 'CreateRunOptions');
  const fixed = gpu?.cudaGraph ? new FixedBindings(runtime, gpu.allocator) : undefined;
  const held = new Map<DeviceTensor, bigint>();
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const heldValue = (name: string, feed: DeviceTensor): bigint => {
    const value = held.get(feed);
    if (value === undefined) {
      throw new SessionRunError(
        component,
        `input ${name} is a device tensor that was disposed or belongs to another session`,
      );
    }
    return value;
  };
  /** The value to feed: a held one, or a new host copy recorded in `temporaries`. */
  const feedValue = (name: string, feed: SessionFeed, temporaries: bigint[]): bigint => {
    if (isDeviceTensor(feed)) return heldValue(name, feed);
    checkFilled(name, component, feed);
    // Pinned memory is worth a copy on the host (the copy up is then faster); otherwise wrap the feed's bytes.
    const value = gpu?.pinned ? runtime.hostTensor(feed, gpu.pinned.allocator) : runtime.wrapHost(feed);
    temporaries.push(value);
    return value;
  };
  const clearBinding = (temporaries: readonly bigint[]) => {
    runtime.library.api.ClearBoundInputs(binding);
    runtime.library.api.ClearBoundOutputs(binding);
    for (const value of temporaries) runtime.release('value', value);
  };

  /** A run with host outputs bound to the CPU: the runtime copies feeds up and the fetched outputs down. */
  const runBound = async (
    feeds: Readonly<Record<string, SessionFeed>>,
    fetches: readonly string[],
    signal: AbortSignal | undefined,
  ) => {
    const temporaries: bigint[] = [];
    try {
      for (const [name, feed] of Object.entries(feeds)) {
        // On CUDA, binding a host value copies it up: off the event loop.
        const value = feedValue(name, feed, temporaries);
        if (gpu) await runtime.callAsync('BindInput', binding, name, value);
        else runtime.call('BindInput', binding, name, value);
      }
      const host = gpu?.pinned?.memory ?? runtime.cpuMemory;
      for (const name of fetches) runtime.call('BindOutputToDevice', binding, name, host);
      await terminateOnAbort(runtime, plainRunOptions, signal, () =>
        runtime.callAsync('RunWithBinding', session, plainRunOptions, binding),
      );
      const values = takeBoundOutputs(runtime, binding);
      try {
        return Object.fromEntries(
          fetches.map((name, i) => [name, runtime.readTensor(values[i]!)]),
        ) as Outputs;
      } finally {
        for (const value of values) runtime.release('value', value);
      }
    } finally {
      clearBinding(temporaries);
    }
  };

  /** A run for CUDA graphs: feeds copied into fixed device inputs, every output kept at a fixed address. */
  const runFixed = async (
    feeds: Readonly<Record<string, SessionFeed>>,
    fetches: readonly string[],
    memory: DeviceMemory,
    bindings: FixedBindings,
    signal: AbortSignal | undefined,
  ) => {
    const buffers = bindings.forShapes(feeds);
    const temporaries: bigint[] = [];
    try {
      for (const [name, feed] of Object.entries(feeds)) {
        const target = bindings.input(buffers, name, feed.type, feed.dims);
        await memory.copier.copyInto(feed.type, feed.dims.length, feedValue(name, feed, temporaries), target);
        runtime.call('BindInput', binding, name, target);
      }
      for (const name of parts.outputs.names) {
        const value = buffers.outputs?.get(name);
        if (value === undefined) runtime.call('BindOutputToDevice', binding, name, memory.memory);
        else runtime.call('BindOutput', binding, name, value);
      }
      await terminateOnAbort(runtime, buffers.runOptions, signal, () =>
        runtime.callAsync('RunWithBinding', session, buffers.runOptions, binding),
      );
      if (!buffers.outputs) {
        const values = takeBoundOutputs(runtime, binding);
        buffers.outputs = new Map(parts.outputs.names.map((name, i) => [name, values[i]!]));
      }
      const outputs: Outputs = {};
      for (const name of fetches) {
        const value = buffers.outputs.get(name)!;
        outputs[name] = await memory.copier.download(runtime.shapeOf(value), value);
      }
      return outputs;
    } finally {
      clearBinding(temporaries);
    }
  };

  const fetchNames = (runOptions: RunOptions): readonly string[] => {
    const requested = runOptions.outputs ?? parts.outputs.names;
    const unknown = requested.filter((output) => !parts.outputs.names.includes(output));
    if (unknown.length > 0) {
      throw new SessionRunError(
        component,
        `no output named ${unknown.join(', ')} (outputs: ${parts.outputs.names.join(', ')})`,
      );
    }
    return requested;
  };

  const checkRunnable = (feeds: Readonly<Record<string, SessionFeed>>) => {
    if (disposed) throw new SessionRunError(component, 'the session has been disposed');
    const missing = parts.inputs.names.filter((name) => !(name in feeds));
    if (missing.length > 0) {
      throw new SessionRunError(component, `missing inputs ${missing.join(', ')} (got ${describe(feeds)})`);
    }
  };

  return {
    specificationVersion: 'v1',
    device: parts.device,
    inputNames: [...parts.inputs.names],
    outputNames: [...parts.outputs.names],
    inputSpecs: parts.inputs.specs,
    outputSpecs: parts.outputs.specs,
    async run(feeds, runOptions: RunOptions = {}) {
      throwIfAborted(runOptions.signal);
      checkRunnable(feeds);
      const fetches = fetchNames(runOptions);
      const outputs = await inTurn(async () => {
        checkRunnable(feeds);
        try {
          const { signal } = runOptions;
          return gpu && fixed
            ? await runFixed(feeds, fetches, gpu, fixed, signal)
            : await runBound(feeds, fetches, signal);
        } catch (error) {
          throwIfAborted(runOptions.signal);
          if (JoyvasaError.isInstance(error)) throw error;
          throw new SessionRunError(component, `${(error as Error).message} (inputs: ${describe(feeds)})`, {
            cause: error,
          });
        }
      });
      throwIfAborted(runOptions.signal);
      return outputs;
    },
    async upload(tensor) {
      if (disposed) throw new SessionRunError(component, 'the session has been disposed');
      checkFilled('tensor', component, tensor);
      const value = await inTurn(() => uploadValue(runtime, tensor, gpu));
      const deviceTensor: DeviceTensor = {
        kind: 'device-tensor',
        type: tensor.type,
        dims: [...tensor.dims],
        dispose: () =>
          inTurn(async () => {
            const owned = held.get(deviceTensor);
            if (owned === undefined) return;
            held.delete(deviceTensor);
            runtime.release('value', owned);
          }),
      };
      held.set(deviceTensor, value);
      return deviceTensor;
    },
    dispose: () =>
      inTurn(async () => {
        if (disposed) return;
        disposed = true;
        for (const value of held.values()) runtime.release('value', value);
        held.clear();
        fixed?.dispose();
        await gpu?.copier.dispose();
        runtime.release('io-binding', binding);
        runtime.release('run-options', plainRunOptions);
        if (gpu) {
          runtime.release('allocator', gpu.allocator);
          runtime.release('memory-info', gpu.memory);
          runtime.release('allocator', gpu.pinned?.allocator ?? null);
          runtime.release('memory-info', gpu.pinned?.memory ?? null);
        }
        runtime.release('session', session);
      }),
  };
}

/** A tensor's copy in device memory (CUDA), or in host memory the runtime owns (CPU). */
async function uploadValue(runtime: OrtRuntime, tensor: TensorLike, gpu: DeviceMemory | undefined) {
  const host = runtime.hostTensor(tensor, gpu?.pinned?.allocator);
  if (!gpu) return host;
  try {
    const value = runtime.allocateTensor(gpu.allocator, tensor.type, tensor.dims);
    try {
      await gpu.copier.copyInto(tensor.type, tensor.dims.length, host, value);
      return value;
    } catch (error) {
      runtime.release('value', value);
      throw error;
    }
  } finally {
    runtime.release('value', host);
  }
}
