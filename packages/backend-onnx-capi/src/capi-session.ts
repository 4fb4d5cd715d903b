import {
  assertFeedsComplete,
  type Device,
  type DeviceTensor,
  describeFeeds,
  isDeviceTensor,
  JoyvasaError,
  type RunOptions,
  requestedOutputs,
  type SessionFeed,
  SessionRunError,
  type SessionV1,
  type TensorLike,
  tensorSize,
  throwIfAborted,
} from '@joyvasa/core';
import { takeBoundOutputs } from './bound-values.js';
import { FixedBindings } from './fixed-bindings.js';
import type { SessionSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';
import type { CapiSessionParts, DeviceMemory } from './session-parts.js';
import { uploadValue } from './session-parts.js';
import { terminateOnAbort } from './terminate-on-abort.js';

type Outputs = Record<string, TensorLike>;

function checkFilled(name: string, component: string, tensor: TensorLike): void {
  if (tensor.data.length !== tensorSize(tensor.dims)) {
    throw new SessionRunError(
      component,
      `input ${name} has ${tensor.data.length} elements for dims [${tensor.dims.join(', ')}]`,
    );
  }
}

type Feeds = Readonly<Record<string, SessionFeed>>;

/**
 * A {@link SessionV1} over a native session. Runs go through one IO binding, one at a time, on libuv's thread
 * pool; `upload` keeps a tensor in the session's device memory; only the outputs a run asks for come back.
 */
class CapiSession implements SessionV1 {
  readonly specificationVersion = 'v1';
  readonly device: Device;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputSpecs: SessionSignature['specs'];
  readonly outputSpecs: SessionSignature['specs'];
  readonly #parts: CapiSessionParts;
  readonly #runtime: OrtRuntime;
  readonly #binding: bigint;
  /** Run options of runs without fixed bindings (those carry their own, with a graph id). */
  readonly #runOptions: bigint;
  readonly #fixed: FixedBindings | undefined;
  readonly #held = new Map<DeviceTensor, bigint>();
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(parts: CapiSessionParts) {
    this.#parts = parts;
    this.#runtime = parts.runtime;
    this.device = parts.device;
    this.inputNames = [...parts.inputs.names];
    this.outputNames = [...parts.outputs.names];
    this.inputSpecs = parts.inputs.specs;
    this.outputSpecs = parts.outputs.specs;
    this.#binding = parts.runtime.create('io-binding', 'CreateIoBinding', parts.session);
    this.#runOptions = parts.runtime.create('run-options', 'CreateRunOptions');
    this.#fixed = parts.gpu?.cudaGraph ? new FixedBindings(parts.runtime, parts.gpu.allocator) : undefined;
  }

  /** Runs tasks one at a time: the IO binding (and the fixed buffers) are the session's only ones. */
  #inTurn<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #heldValue(name: string, feed: DeviceTensor): bigint {
    const value = this.#held.get(feed);
    if (value === undefined) {
      throw new SessionRunError(
        this.#parts.name,
        `input ${name} is a device tensor that was disposed or belongs to another session`,
      );
    }
    return value;
  }

  /** The value to feed: a held one, or a new host value recorded in `temporaries`. */
  #feedValue(name: string, feed: SessionFeed, temporaries: bigint[]): bigint {
    if (isDeviceTensor(feed)) return this.#heldValue(name, feed);
    checkFilled(name, this.#parts.name, feed);
    const pinned = this.#parts.gpu?.pinned;
    // Pinned memory is worth a copy on the host (the copy up is then faster); otherwise wrap the feed's bytes.
    const value = pinned ? this.#runtime.hostTensor(feed, pinned.allocator) : this.#runtime.wrapHost(feed);
    temporaries.push(value);
    return value;
  }

  #clearBinding(temporaries: readonly bigint[]): void {
    this.#runtime.library.api.ClearBoundInputs(this.#binding);
    this.#runtime.library.api.ClearBoundOutputs(this.#binding);
    for (const value of temporaries) this.#runtime.release('value', value);
  }

  /** A run with outputs bound to host memory: the runtime copies feeds up and the fetched outputs down. */
  async #runBound(feeds: Feeds, fetches: readonly string[], signal: AbortSignal | undefined) {
    const runtime = this.#runtime;
    const binding = this.#binding;
    const temporaries: bigint[] = [];
    try {
      for (const [name, feed] of Object.entries(feeds)) {
        // On CUDA, binding a host value copies it up: off the event loop.
        const value = this.#feedValue(name, feed, temporaries);
        if (this.#parts.gpu) await runtime.callAsync('BindInput', binding, name, value);
        else runtime.call('BindInput', binding, name, value);
      }
      const host = this.#parts.gpu?.pinned?.memory ?? runtime.cpuMemory;
      for (const name of fetches) runtime.call('BindOutputToDevice', binding, name, host);
      await terminateOnAbort(runtime, this.#runOptions, signal, () =>
        runtime.callAsync('RunWithBinding', this.#parts.session, this.#runOptions, binding),
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
      this.#clearBinding(temporaries);
    }
  }

  /** A run for CUDA graphs: feeds copied into fixed device inputs, every output kept at a fixed address. */
  async #runFixed(
    feeds: Feeds,
    fetches: readonly string[],
    memory: DeviceMemory,
    bindings: FixedBindings,
    signal: AbortSignal | undefined,
  ) {
    const runtime = this.#runtime;
    const binding = this.#binding;
    const buffers = bindings.forShapes(feeds);
    const temporaries: bigint[] = [];
    try {
      for (const [name, feed] of Object.entries(feeds)) {
        const target = bindings.input(buffers, name, feed.type, feed.dims);
        const source = this.#feedValue(name, feed, temporaries);
        await memory.copier.copyInto(feed.type, feed.dims.length, source, target);
        runtime.call('BindInput', binding, name, target);
      }
      for (const name of this.outputNames) {
        const value = buffers.outputs?.get(name);
        if (value === undefined) runtime.call('BindOutputToDevice', binding, name, memory.memory);
        else runtime.call('BindOutput', binding, name, value);
      }
      await terminateOnAbort(runtime, buffers.runOptions, signal, () =>
        runtime.callAsync('RunWithBinding', this.#parts.session, buffers.runOptions, binding),
      );
      if (!buffers.outputs) {
        const values = takeBoundOutputs(runtime, binding);
        buffers.outputs = new Map(this.outputNames.map((name, i) => [name, values[i]!]));
      }
      const outputs: Outputs = {};
      for (const name of fetches) {
        const value = buffers.outputs.get(name)!;
        outputs[name] = await memory.copier.download(runtime.shapeOf(value), value);
      }
      return outputs;
    } finally {
      this.#clearBinding(temporaries);
    }
  }

  #checkRunnable(feeds: Feeds): void {
    if (this.#disposed) throw new SessionRunError(this.#parts.name, 'the session has been disposed');
    assertFeedsComplete(this.#parts.name, this.inputNames, feeds);
  }

  async run(feeds: Feeds, runOptions: RunOptions = {}): Promise<Outputs> {
    const { signal } = runOptions;
    throwIfAborted(signal);
    this.#checkRunnable(feeds);
    const fetches = requestedOutputs(this.#parts.name, this.outputNames, runOptions);
    const outputs = await this.#inTurn(async () => {
      this.#checkRunnable(feeds);
      const { gpu } = this.#parts;
      try {
        return gpu && this.#fixed
          ? await this.#runFixed(feeds, fetches, gpu, this.#fixed, signal)
          : await this.#runBound(feeds, fetches, signal);
      } catch (error) {
        throwIfAborted(signal);
        if (JoyvasaError.isInstance(error)) throw error;
        const message = `${(error as Error).message} (inputs: ${describeFeeds(feeds)})`;
        throw new SessionRunError(this.#parts.name, message, { cause: error });
      }
    });
    throwIfAborted(signal);
    return outputs;
  }

  async upload(tensor: TensorLike): Promise<DeviceTensor> {
    if (this.#disposed) throw new SessionRunError(this.#parts.name, 'the session has been disposed');
    checkFilled('tensor', this.#parts.name, tensor);
    const value = await this.#inTurn(() => uploadValue(this.#runtime, tensor, this.#parts.gpu));
    const deviceTensor: DeviceTensor = {
      kind: 'device-tensor',
      type: tensor.type,
      dims: [...tensor.dims],
      dispose: () => this.#inTurn(async () => this.#release(deviceTensor)),
    };
    this.#held.set(deviceTensor, value);
    return deviceTensor;
  }

  #release(deviceTensor: DeviceTensor): void {
    const owned = this.#held.get(deviceTensor);
    if (owned === undefined) return;
    this.#held.delete(deviceTensor);
    this.#runtime.release('value', owned);
  }

  dispose(): Promise<void> {
    return this.#inTurn(async () => {
      if (this.#disposed) return;
      this.#disposed = true;
      const runtime = this.#runtime;
      const { gpu } = this.#parts;
      for (const deviceTensor of [...this.#held.keys()]) this.#release(deviceTensor);
      this.#fixed?.dispose();
      await gpu?.copier.dispose();
      runtime.release('io-binding', this.#binding);
      runtime.release('run-options', this.#runOptions);
      if (gpu) {
        runtime.release('allocator', gpu.allocator);
        runtime.release('memory-info', gpu.memory);
        runtime.release('allocator', gpu.pinned?.allocator ?? null);
        runtime.release('memory-info', gpu.pinned?.memory ?? null);
      }
      runtime.release('session', this.#parts.session);
    });
  }
}

/** Wraps a native session (see {@link CapiSession}'s description). */
export function createCapiSession(parts: CapiSessionParts): SessionV1 {
  return new CapiSession(parts);
}
