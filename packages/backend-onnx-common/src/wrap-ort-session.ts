import {
  assertFeedsComplete,
  type BorrowedValue,
  type Device,
  type DeviceTensorRegistry,
  describeFeeds,
  isDeviceTensor,
  type RunOptions,
  requestedOutputs,
  type SessionFeed,
  SessionRunError,
  type SessionV1,
  type TensorLike,
  type TensorSpec,
  throwIfAborted,
} from '@joyvasa/core';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { applyFixedAxes, checkFixedAxes, type FixedAxes } from './fixed-axes.js';

/** The part of an onnxruntime module (node or web) the adapter uses. */
export interface OrtRuntime {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  readonly Tensor: new (
    type: TensorLike['type'],
    data: TensorLike['data'],
    dims: readonly number[],
  ) => Tensor;
}

interface WrapOptions {
  readonly device: Device;
  readonly name: string;
  readonly serialize: <T>(task: () => Promise<T>) => Promise<T>;
  /** The runtime takes input buffers away: every run gets copies (see `OrtBackendDefinition`). */
  readonly transfersInputs?: boolean;
  /** The backend's device tensors, shared by its sessions. */
  readonly held: DeviceTensorRegistry<HeldTensor>;
  /** `SessionOptions.fixedAxes`, checked here whether or not the runtime applied them. */
  readonly fixedAxes?: FixedAxes;
}

/** A runtime tensor for one run, and how to free it when it is held across runs. */
export interface HeldTensor {
  tensor(): Tensor;
  dispose(): void;
}

/**
 * The tensor specs onnxruntime reports (`inputMetadata`, onnxruntime >= 1.22), keyed by name; negative
 * sizes mean a free axis. Undefined when this runtime does not report them.
 */
const optionalSpecs = (key: string, specs: Record<string, TensorSpec> | undefined) =>
  specs ? { [key]: specs } : {};

function specsOf(
  metadata: readonly InferenceSession.ValueMetadata[] | undefined,
): Record<string, TensorSpec> | undefined {
  if (!metadata) return undefined;
  const specs: Record<string, TensorSpec> = {};
  for (const value of metadata) {
    if (!value.isTensor) continue;
    const dims = value.shape.map((dim) => (typeof dim === 'number' && dim < 0 ? null : dim));
    specs[value.name] = { type: value.type as TensorSpec['type'], dims };
  }
  return specs;
}

/**
 * Adapts an onnxruntime session to {@link SessionV1}: plain tensors in and out, typed errors. `upload` keeps
 * the runtime tensor it builds, so a tensor fed to many runs is wrapped once (onnxruntime-node and WASM copy
 * it in each run all the same; their runtimes give no device tensors to hold).
 */
export function wrapOrtSession(ort: OrtRuntime, session: InferenceSession, options: WrapOptions): SessionV1 {
  let disposed = false;
  const { held } = options;
  const owner = {};
  const copied = (data: TensorLike['data']) =>
    options.transfersInputs ? (data.slice() as TensorLike['data']) : data;
  const hold = (tensor: TensorLike): HeldTensor => {
    if (options.transfersInputs) {
      const data = copied(tensor.data);
      return { tensor: () => new ort.Tensor(tensor.type, copied(data), tensor.dims), dispose() {} };
    }
    const runtime = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
    return { tensor: () => runtime, dispose: () => runtime.dispose?.() };
  };
  /** The runtime tensor of a feed; a device tensor's is lent for the run (`borrowed` lists it). */
  const runtimeTensor = (name: string, feed: SessionFeed, borrowed: BorrowedValue<HeldTensor>[]) => {
    if (!isDeviceTensor(feed)) return new ort.Tensor(feed.type, copied(feed.data), feed.dims);
    const lent = held.borrow(options.name, name, feed, options.device);
    borrowed.push(lent);
    return lent.value.tensor();
  };
  const declaredInputs = specsOf(session.inputMetadata);
  const { fixedAxes } = options;
  return {
    specificationVersion: 'v1',
    device: options.device,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    ...optionalSpecs('inputSpecs', applyFixedAxes(declaredInputs, fixedAxes)),
    ...optionalSpecs('outputSpecs', applyFixedAxes(specsOf(session.outputMetadata), fixedAxes)),
    async run(feeds, runOptions: RunOptions = {}) {
      throwIfAborted(runOptions.signal);
      if (disposed) throw new SessionRunError(options.name, 'the session has been disposed');
      assertFeedsComplete(options.name, session.inputNames, feeds);
      checkFixedAxes(options.name, declaredInputs, fixedAxes, feeds);
      const fetches = requestedOutputs(options.name, session.outputNames, runOptions);
      const ortFeeds: Record<string, Tensor> = {};
      const borrowed: BorrowedValue<HeldTensor>[] = [];
      let results: InferenceSession.OnnxValueMapType;
      try {
        for (const [name, feed] of Object.entries(feeds))
          ortFeeds[name] = runtimeTensor(name, feed, borrowed);
        results = await options.serialize(() => session.run(ortFeeds, [...fetches]));
      } catch (error) {
        if (SessionRunError.isInstance(error)) throw error;
        throw new SessionRunError(
          options.name,
          `${(error as Error).message} (inputs: ${describeFeeds(feeds)})`,
          {
            cause: error,
          },
        );
      } finally {
        for (const lent of borrowed) lent.done();
      }
      throwIfAborted(runOptions.signal);
      const outputs: Record<string, TensorLike> = {};
      for (const name of fetches) {
        const value = results[name] as Tensor;
        outputs[name] = { type: value.type, dims: [...value.dims], data: value.data } as TensorLike;
      }
      return outputs;
    },
    async upload(tensor) {
      if (disposed) throw new SessionRunError(options.name, 'the session has been disposed');
      const value = hold(tensor);
      const { type, dims } = tensor;
      // A runtime that keeps tensors elsewhere (a worker thread) frees them in `value.dispose`.
      const free = () => value.dispose();
      return held.hold({ owner, device: options.device, type, dims, value, free });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await held.releaseOwnedBy(owner);
      await session.release();
    },
  };
}
