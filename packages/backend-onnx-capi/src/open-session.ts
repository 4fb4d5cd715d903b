import { type DeviceTensorRegistry, ModelLoadError, type SessionV1 } from '@joyvasa/core';
import { createCapiSession } from './capi-session.js';
import { DeviceCopier } from './device-copier.js';
import { createNativeSession, type NativeSessionConfig, readSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';
import type { DeviceMemory } from './session-parts.js';

/** Creates the native session and its wrapper; any failure is a `ModelLoadError` with onnxruntime's message. */
export async function openSession(
  ort: OrtRuntime,
  model: Uint8Array,
  config: NativeSessionConfig,
  name: string,
  deviceTensors: DeviceTensorRegistry<bigint>,
): Promise<SessionV1> {
  const fail = (error: unknown) =>
    new ModelLoadError(
      name,
      `onnxruntime rejected the model on ${config.device}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  let session: bigint;
  try {
    session = await createNativeSession(ort, model, config);
  } catch (error) {
    throw fail(error);
  }
  try {
    const inputs = readSignature(ort, session, 'input');
    const outputs = readSignature(ort, session, 'output');
    const gpu = config.device === 'cuda' ? deviceMemory(ort, session, config) : undefined;
    return createCapiSession({
      runtime: ort,
      session,
      device: config.device,
      memoryName: config.device === 'cuda' ? `cuda:${config.deviceId}` : 'cpu',
      deviceTensors,
      name,
      inputs,
      outputs,
      ...(gpu ? { gpu } : {}),
    });
  } catch (error) {
    ort.release('session', session);
    throw fail(error);
  }
}

/** `OrtMemType` values: the provider's default (device) memory, and host memory it hands out (pinned). */
const memTypeDefault = 0;
const memTypeCpuOutput = -1;

/** A memory info and the session's allocator for it; nothing is left behind when either fails. */
function sessionAllocator(ort: OrtRuntime, session: bigint, name: string, id: number, memType: number) {
  const memory = ort.create('memory-info', 'CreateMemoryInfo', name, 1, id, memType);
  try {
    return { memory, allocator: ort.create('allocator', 'CreateAllocator', session, memory) };
  } catch (error) {
    ort.release('memory-info', memory);
    throw error;
  }
}

/** The CUDA session's device (and, if asked for, pinned host) allocators and its copier. */
function deviceMemory(ort: OrtRuntime, session: bigint, config: NativeSessionConfig): DeviceMemory {
  const device = sessionAllocator(ort, session, 'Cuda', config.deviceId, memTypeDefault);
  let pinned: DeviceMemory['pinned'];
  try {
    if (config.options.pinnedHostMemory) {
      pinned = sessionAllocator(ort, session, 'CudaPinned', 0, memTypeCpuOutput);
    }
  } catch (error) {
    ort.release('allocator', device.allocator);
    ort.release('memory-info', device.memory);
    throw error;
  }
  const copyConfig: NativeSessionConfig = {
    device: 'cuda',
    deviceId: config.deviceId,
    options: { cuda: { deviceId: config.deviceId } },
  };
  const copier = new DeviceCopier(ort, (bytes) => createNativeSession(ort, bytes, copyConfig));
  const cudaGraph = config.options.cuda?.enableCudaGraph === true;
  return { ...device, copier, cudaGraph, ...(pinned ? { pinned } : {}) };
}
