import { ModelLoadError, type SessionV1 } from '@joyvasa/core';
import { createCapiSession, type DeviceMemory } from './capi-session.js';
import { DeviceCopier } from './device-copier.js';
import { createNativeSession, type NativeSessionConfig, readSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';

/** Creates the native session and its wrapper; any failure is a `ModelLoadError` with onnxruntime's message. */
export async function openSession(
  ort: OrtRuntime,
  model: Uint8Array,
  config: NativeSessionConfig,
  name: string,
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

/** The CUDA session's memory info, allocator and copier (its copy sessions made on first use). */
function deviceMemory(ort: OrtRuntime, session: bigint, config: NativeSessionConfig): DeviceMemory {
  const memory = ort.create('memory-info', 'CreateMemoryInfo', 'Cuda', 1, config.deviceId, 0);
  try {
    const allocator = ort.create('allocator', 'CreateAllocator', session, memory);
    const copyConfig: NativeSessionConfig = {
      device: 'cuda',
      deviceId: config.deviceId,
      options: { cuda: { deviceId: config.deviceId } },
    };
    const copier = new DeviceCopier(ort, (bytes) => createNativeSession(ort, bytes, copyConfig));
    return { memory, allocator, copier, cudaGraph: config.options.cuda?.enableCudaGraph === true };
  } catch (error) {
    ort.release('memory-info', memory);
    throw error;
  }
}
