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
  throwIfAborted,
} from '@joyvasa/core';
import { takeBoundOutputs } from './bound-values.js';
import { copyOutOfFixed, FixedBindings } from './fixed-bindings.js';
import type { SessionSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';
import { checkFilled, disposeAll, newTemporaries, type Temporaries } from './run-temporaries.js';
import type { CapiSessionParts, DeviceMemory } from './session-parts.js';
import { uploadValue } from './session-parts.js';
import { terminateOnAbort } from './terminate-on-abort.js';

type Outputs = Record<string, TensorLike>;

type Feeds = Readonly<Record<string, SessionFeed>>;

/**
 * A {@link SessionV1} over a native session. Runs go through one IO binding, one at a time, on libuv's thread
 * pool; `upload` keeps a tensor in the session's device memory; only the outputs a run asks for come back,
 * to the host (`run`) or left in device memory for another session of the backend (`runToDevice`).
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

  /**
   * The value to feed: a device tensor's (lent for the run, given back by `#clearBinding`), or a new host
   * value recorded in `temporaries`.
   */
  #feedValue(name: string, feed: SessionFeed, temporaries: Temporaries): bigint {
    if (isDeviceTensor(feed)) {
      const { deviceTensors, memoryName } = this.#parts;
      const lent = deviceTensors.borrow(this.#parts.name, name, feed, memoryName);
      temporaries.borrowed.push(lent);
      return lent.value;
    }
    checkFilled(name, this.#parts.name, feed);
    const pinned = this.#parts.gpu?.pinned;
    // Pinned memory is worth a copy on the host (the copy up is then faster); otherwise wrap the feed's bytes.
    const value = pinned ? this.#runtime.hostTensor(feed, pinned.allocator) : this.#runtime.wrapHost(feed);
    temporaries.values.push(value);
    return value;
  }

  #clearBinding(temporaries: Temporaries): void {
    this.#runtime.library.api.ClearBoundInputs(this.#binding);
    this.#runtime.library.api.ClearBoundOutputs(this.#binding);
    for (const value of temporaries.values) this.#runtime.release('value', value);
    for (const lent of temporaries.borrowed) lent.done();
  }

  /**
   * A run with its outputs bound to `target` memory (the host, or the device for `runToDevice`): the runtime
   * copies host feeds up. Returns the fetched values, in `fetches` order, each the caller's to release.
   */
  async #runBound(feeds: Feeds, fetches: readonly string[], target: bigint, signal?: AbortSignal) {
    const runtime = this.#runtime;
    const binding = this.#binding;
    const temporaries = newTemporaries();
    try {
      for (const [name, feed] of Object.entries(feeds)) {
        // On CUDA, binding a host value copies it up: off the event loop.
        const value = this.#feedValue(name, feed, temporaries);
        if (this.#parts.gpu) await runtime.callAsync('BindInput', binding, name, value);
        else runtime.call('BindInput', binding, name, value);
      }
      for (const name of fetches) runtime.call('BindOutputToDevice', binding, name, target);
      await terminateOnAbort(runtime, this.#runOptions, signal, () =>
        runtime.callAsync('RunWithBinding', this.#parts.session, this.#runOptions, binding),
      );
      return takeBoundOutputs(runtime, binding);
    } finally {
      this.#clearBinding(temporaries);
    }
  }

  /**
   * A run for CUDA graphs: feeds copied into fixed device inputs, every output kept at a fixed address.
   * Returns those fixed outputs by name: the session's own, overwritten by the next run of the shape.
   */
  async #runFixed(feeds: Feeds, memory: DeviceMemory, bindings: FixedBindings, signal?: AbortSignal) {
    const runtime = this.#runtime;
    const binding = this.#binding;
    const buffers = bindings.forShapes(feeds);
    const temporaries = newTemporaries();
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
      return buffers.outputs;
    } finally {
      this.#clearBinding(temporaries);
    }
  }

  /** Host copies of fetched values, which are released here. */
  #readAndRelease(fetches: readonly string[], values: readonly bigint[]): Outputs {
    try {
      return Object.fromEntries(fetches.map((name, i) => [name, this.#runtime.readTensor(values[i]!)]));
    } finally {
      for (const value of values) this.#runtime.release('value', value);
    }
  }

  /** Device tensors standing for fetched values (this session owns them; the backend's sessions take them). */
  #holdAll(fetches: readonly string[], values: readonly bigint[]): Record<string, DeviceTensor> {
    return Object.fromEntries(fetches.map((name, i) => [name, this.#hold(values[i]!)]));
  }

  #hold(value: bigint): DeviceTensor {
    const { type, dims } = this.#runtime.shapeOf(value);
    const { deviceTensors, memoryName } = this.#parts;
    const free = () => this.#runtime.release('value', value);
    return deviceTensors.hold({ owner: this, device: memoryName, type, dims, value, free });
  }

  #checkRunnable(feeds: Feeds): void {
    if (this.#disposed) throw new SessionRunError(this.#parts.name, 'the session has been disposed');
    assertFeedsComplete(this.#parts.name, this.inputNames, feeds);
  }

  /** A run in the session's turn, its failures as typed errors, its abort honoured before and after. */
  async #guardedRun<T>(
    feeds: Feeds,
    runOptions: RunOptions,
    task: (fetches: readonly string[]) => Promise<T>,
    discard?: (result: T) => Promise<unknown>,
  ): Promise<T> {
    const { signal } = runOptions;
    throwIfAborted(signal);
    this.#checkRunnable(feeds);
    const fetches = requestedOutputs(this.#parts.name, this.outputNames, runOptions);
    const result = await this.#inTurn(async () => {
      this.#checkRunnable(feeds);
      try {
        return await task(fetches);
      } catch (error) {
        throwIfAborted(signal);
        if (JoyvasaError.isInstance(error)) throw error;
        const message = `${(error as Error).message} (inputs: ${describeFeeds(feeds)})`;
        throw new SessionRunError(this.#parts.name, message, { cause: error });
      }
    });
    if (signal?.aborted) await discard?.(result);
    throwIfAborted(signal);
    return result;
  }

  run(feeds: Feeds, runOptions: RunOptions = {}): Promise<Outputs> {
    return this.#guardedRun(feeds, runOptions, async (fetches) => {
      const { gpu } = this.#parts;
      const fixed = this.#fixed;
      if (gpu && fixed) {
        const outputs = await this.#runFixed(feeds, gpu, fixed, runOptions.signal);
        const downloaded: Outputs = {};
        // One at a time: the copier has one binding per element type and rank.
        for (const name of fetches) {
          const value = outputs.get(name)!;
          downloaded[name] = await gpu.copier.download(this.#runtime.shapeOf(value), value);
        }
        return downloaded;
      }
      const host = gpu?.pinned?.memory ?? this.#runtime.cpuMemory;
      return this.#readAndRelease(fetches, await this.#runBound(feeds, fetches, host, runOptions.signal));
    });
  }

  runToDevice(feeds: Feeds, runOptions: RunOptions = {}): Promise<Record<string, DeviceTensor>> {
    return this.#guardedRun(
      feeds,
      runOptions,
      async (fetches) => {
        const { gpu } = this.#parts;
        const fixed = this.#fixed;
        if (gpu && fixed) {
          const outputs = await this.#runFixed(feeds, gpu, fixed, runOptions.signal);
          const copies = await copyOutOfFixed(this.#runtime, gpu, fetches, outputs);
          return this.#holdAll(fetches, copies);
        }
        const target = gpu?.memory ?? this.#runtime.cpuMemory;
        return this.#holdAll(fetches, await this.#runBound(feeds, fetches, target, runOptions.signal));
      },
      disposeAll,
    );
  }

  async upload(tensor: TensorLike): Promise<DeviceTensor> {
    if (this.#disposed) throw new SessionRunError(this.#parts.name, 'the session has been disposed');
    checkFilled('tensor', this.#parts.name, tensor);
    return this.#inTurn(async () => {
      // Checked again in turn: a dispose queued before this upload has released the device allocator.
      if (this.#disposed) throw new SessionRunError(this.#parts.name, 'the session has been disposed');
      return this.#hold(await uploadValue(this.#runtime, tensor, this.#parts.gpu));
    });
  }

  dispose(): Promise<void> {
    return this.#inTurn(async () => {
      if (this.#disposed) return;
      this.#disposed = true;
      const runtime = this.#runtime;
      const { gpu } = this.#parts;
      // Waits for runs of other sessions still using them: the allocators below must outlive them.
      await this.#parts.deviceTensors.releaseOwnedBy(this);
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
