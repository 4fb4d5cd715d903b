import {
  assertFeedsComplete,
  type Device,
  type DeviceTensor,
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
}

/** A runtime tensor for one run, and how to free it when it is held across runs. */
interface HeldTensor {
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
  const held = new WeakMap<DeviceTensor, HeldTensor>();
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
  const runtimeTensor = (name: string, feed: SessionFeed): Tensor => {
    if (!isDeviceTensor(feed)) return new ort.Tensor(feed.type, copied(feed.data), feed.dims);
    const tensor = held.get(feed)?.tensor();
    if (!tensor) {
      throw new SessionRunError(
        options.name,
        `input ${name} is a device tensor that was disposed or belongs to another session`,
      );
    }
    return tensor;
  };
  return {
    specificationVersion: 'v1',
    device: options.device,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    ...optionalSpecs('inputSpecs', specsOf(session.inputMetadata)),
    ...optionalSpecs('outputSpecs', specsOf(session.outputMetadata)),
    async run(feeds, runOptions: RunOptions = {}) {
      throwIfAborted(runOptions.signal);
      if (disposed) throw new SessionRunError(options.name, 'the session has been disposed');
      assertFeedsComplete(options.name, session.inputNames, feeds);
      const fetches = requestedOutputs(options.name, session.outputNames, runOptions);
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) ortFeeds[name] = runtimeTensor(name, feed);
      let results: InferenceSession.OnnxValueMapType;
      try {
        results = await options.serialize(() => session.run(ortFeeds, [...fetches]));
      } catch (error) {
        throw new SessionRunError(
          options.name,
          `${(error as Error).message} (inputs: ${describeFeeds(feeds)})`,
          {
            cause: error,
          },
        );
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
      const deviceTensor: DeviceTensor = {
        kind: 'device-tensor',
        type: tensor.type,
        dims: [...tensor.dims],
        async dispose() {
          // A runtime that keeps tensors elsewhere (a worker thread) frees them here.
          held.get(deviceTensor)?.dispose();
          held.delete(deviceTensor);
        },
      };
      held.set(deviceTensor, hold(tensor));
      return deviceTensor;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
