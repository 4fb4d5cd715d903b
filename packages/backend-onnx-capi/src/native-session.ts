import type { Device, TensorSpec } from '@joyvasa/core';
import { dtypeOfElementType } from './element-types.js';
import type { OrtRuntime } from './ort-runtime.js';
import { appendGpuProviders, type OnnxCapiSessionOptions } from './provider-options.js';

/** How to build one native session. */
export interface NativeSessionConfig {
  readonly device: Device;
  readonly deviceId: number;
  readonly threads?: number;
  /** `SessionOptions.fixedAxes`: free axes fixed by name (`AddFreeDimensionOverrideByName`). */
  readonly fixedAxes?: Readonly<Record<string, number>>;
  readonly options: OnnxCapiSessionOptions;
}

/** Model bytes being read by a session creation on another thread: held here so they cannot be collected. */
const inFlight: Uint8Array[] = [];

/** Session options for a config; the caller releases them. */
function createSessionOptions(runtime: OrtRuntime, config: NativeSessionConfig): bigint {
  const options = runtime.create('session-options', 'CreateSessionOptions');
  try {
    if (config.threads) runtime.call('SetIntraOpNumThreads', options, config.threads);
    for (const [axis, size] of Object.entries(config.fixedAxes ?? {})) {
      runtime.call('AddFreeDimensionOverrideByName', options, axis, BigInt(size));
    }
    if (config.options.graphOptimizationLevel !== undefined) {
      runtime.call('SetSessionGraphOptimizationLevel', options, config.options.graphOptimizationLevel);
    }
    // Spin-waiting threads slow everything down on small shared machines (as the onnx-node backend does).
    const entries = { 'session.intra_op.allow_spinning': '0', ...config.options.sessionConfig };
    for (const [key, value] of Object.entries(entries)) {
      runtime.call('AddSessionConfigEntry', options, key, value);
    }
    if (config.device === 'cuda') appendGpuProviders(runtime, options, config.options, config.deviceId);
    return options;
  } catch (error) {
    runtime.release('session-options', options);
    throw error;
  }
}

/**
 * Creates a native session from model bytes, off the event loop (a large model takes seconds to load and
 * optimise). The bytes stay referenced until the call returns (a caller may drop its own reference).
 */
export async function createNativeSession(
  runtime: OrtRuntime,
  model: Uint8Array,
  config: NativeSessionConfig,
): Promise<bigint> {
  const options = createSessionOptions(runtime, config);
  inFlight.push(model);
  try {
    const out = new BigUint64Array(1);
    const address = runtime.library.addressOf(model);
    await runtime.callAsync('CreateSessionFromArray', runtime.env, address, model.byteLength, options, out);
    runtime.objects.created('session');
    return out[0]!;
  } finally {
    inFlight.splice(inFlight.indexOf(model), 1);
    runtime.release('session-options', options);
  }
}

/** Names and declared tensor specs of a session's inputs or outputs. */
export interface SessionSignature {
  readonly names: string[];
  readonly specs: Record<string, TensorSpec>;
}

/** Reads the names and specs of a session's inputs or outputs. */
export function readSignature(
  runtime: OrtRuntime,
  session: bigint,
  side: 'input' | 'output',
): SessionSignature {
  const input = side === 'input';
  const count = runtime.size(input ? 'SessionGetInputCount' : 'SessionGetOutputCount', session);
  const names: string[] = [];
  const specs: Record<string, TensorSpec> = {};
  for (let index = 0; index < count; index++) {
    const name = runtime.takeString(input ? 'SessionGetInputName' : 'SessionGetOutputName', session, index);
    names.push(name);
    const typeInfo = runtime.pointer(
      input ? 'SessionGetInputTypeInfo' : 'SessionGetOutputTypeInfo',
      session,
      index,
    );
    try {
      const onnxType = new Int32Array(1);
      runtime.call('GetOnnxTypeFromTypeInfo', typeInfo, onnxType);
      if (onnxType[0] !== 1) continue; // not a tensor
      const info = runtime.pointer('CastTypeInfoToTensorInfo', typeInfo); // owned by typeInfo
      const { elementType, dims } = runtime.describeShapeInfo(info);
      const type = dtypeOfElementType(elementType);
      if (type) specs[name] = { type, dims: dims.map((dim) => (dim < 0 ? null : dim)) };
    } finally {
      runtime.library.api.ReleaseTypeInfo(typeInfo);
    }
  }
  return { names, specs };
}
