import type { Device, DeviceTensorRegistry, TensorLike } from '@joyvasa/core';
import type { DeviceCopier } from './device-copier.js';
import type { SessionSignature } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';

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

/** What `createCapiSession` wraps. */
export interface CapiSessionParts {
  readonly runtime: OrtRuntime;
  readonly session: bigint;
  readonly device: Device;
  /** Where its device tensors live (`cuda:0`, `cpu`): sessions with the same one may take each other's. */
  readonly memoryName: string;
  /** The backend's device tensors, shared by its sessions. */
  readonly deviceTensors: DeviceTensorRegistry<bigint>;
  readonly name: string;
  readonly inputs: SessionSignature;
  readonly outputs: SessionSignature;
  /** Present on CUDA; absent on the CPU, where the host is the device. */
  readonly gpu?: DeviceMemory;
}

/** A tensor's copy in device memory (CUDA), or in host memory the runtime owns (CPU). */
export async function uploadValue(runtime: OrtRuntime, tensor: TensorLike, gpu: DeviceMemory | undefined) {
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
