import type { DType, TensorLike } from '@joyvasa/core';
import { takeBoundOutputs } from './bound-values.js';
import { identityModel } from './identity-model.js';
import type { OrtRuntime, ValueShape } from './ort-runtime.js';

/** Creates a session on the copier's device from model bytes. */
export type CreateNativeSession = (model: Uint8Array) => Promise<bigint>;

/**
 * Copies tensors into and out of device memory with onnxruntime's own copies: a one-node Identity session per
 * element type and rank, its input and output bound where the data is and where it must go. No CUDA library is loaded
 * by this package; the runtime's provider does the transfers.
 */
export class DeviceCopier {
  readonly #sessions = new Map<string, Promise<{ session: bigint; binding: bigint }>>();

  constructor(
    private readonly runtime: OrtRuntime,
    private readonly createSession: CreateNativeSession,
  ) {}

  #session(type: DType, rank: number) {
    const key = `${type}:${rank}`;
    let entry = this.#sessions.get(key);
    if (!entry) {
      entry = this.createSession(identityModel(type, rank)).then((session) => ({
        session,
        binding: this.runtime.create('io-binding', 'CreateIoBinding', session),
      }));
      this.#sessions.set(key, entry);
    }
    return entry;
  }

  /** Copies `source` (host or device) into the existing tensor value `target` (same type and shape). */
  async copyInto(type: DType, rank: number, source: bigint, target: bigint): Promise<void> {
    const { session, binding } = await this.#session(type, rank);
    const { runtime } = this;
    try {
      await runtime.callAsync('BindInput', binding, 'x', source); // a host source is copied up here
      runtime.call('BindOutput', binding, 'y', target);
      await runtime.callAsync('RunWithBinding', session, null, binding);
    } finally {
      runtime.library.api.ClearBoundInputs(binding);
      runtime.library.api.ClearBoundOutputs(binding);
    }
  }

  /** Copies a device tensor value to the host as a plain tensor. */
  async download(shape: ValueShape, source: bigint): Promise<TensorLike> {
    const { session, binding } = await this.#session(shape.type, shape.dims.length);
    const { runtime } = this;
    try {
      runtime.call('BindInput', binding, 'x', source);
      runtime.call('BindOutputToDevice', binding, 'y', runtime.cpuMemory);
      await runtime.callAsync('RunWithBinding', session, null, binding);
      const [value] = takeBoundOutputs(runtime, binding);
      try {
        return runtime.readTensor(value!);
      } finally {
        runtime.release('value', value ?? null);
      }
    } finally {
      runtime.library.api.ClearBoundInputs(binding);
      runtime.library.api.ClearBoundOutputs(binding);
    }
  }

  /** Releases every copy session. */
  async dispose(): Promise<void> {
    const entries = await Promise.allSettled(this.#sessions.values());
    this.#sessions.clear();
    for (const entry of entries) {
      if (entry.status !== 'fulfilled') continue;
      this.runtime.release('io-binding', entry.value.binding);
      this.runtime.release('session', entry.value.session);
    }
  }
}
