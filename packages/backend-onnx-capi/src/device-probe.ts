import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { probeModel } from '@joyvasa/backend-onnx-common';
import type { Device } from '@joyvasa/core';
import { createNativeSession } from './native-session.js';
import type { OrtRuntime } from './ort-runtime.js';

/** What to install when the library does not load. */
export const installHint =
  'The onnx-capi backend loads the libonnxruntime that onnxruntime-node installs, through koffi: `npm install onnxruntime-node koffi` (koffi brings a prebuilt binary for this platform).';
const cudaHint =
  "CUDA needs onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so beside libonnxruntime: reinstall onnxruntime-node on linux/x64 without ONNXRUNTIME_NODE_INSTALL=skip) and the CUDA and cuDNN libraries it links against on the library path.";

/** Whether each device is usable, found out once per device, and why not where it is not. */
export interface DeviceProbe {
  isAvailable(device: Device): Promise<boolean>;
  /** Why a probed device is unavailable (what failed, what to install). */
  reason(device: Device): string | undefined;
}

/**
 * Probes devices lazily: `cpu` where the library loads; `cuda` where the CUDA provider library exists and a
 * one-node session on it can be created (the provider loads, with its CUDA and cuDNN libraries).
 */
export function createDeviceProbe(loadRuntime: () => Promise<OrtRuntime>, cudaDeviceId: number): DeviceProbe {
  const reasons = new Map<Device, string>();
  const probes = new Map<Device, Promise<boolean>>();
  const probeCuda = async (ort: OrtRuntime): Promise<boolean> => {
    const provider = join(dirname(ort.library.path), 'libonnxruntime_providers_cuda.so');
    if (!existsSync(provider)) {
      reasons.set('cuda', `${provider} is missing. ${cudaHint}`);
      return false;
    }
    try {
      const config = { device: 'cuda', deviceId: cudaDeviceId, options: {} } as const;
      ort.release('session', await createNativeSession(ort, probeModel(), config));
      return true;
    } catch (error) {
      reasons.set('cuda', `onnxruntime: ${(error as Error).message}. ${cudaHint}`);
      return false;
    }
  };
  const probe = async (device: Device): Promise<boolean> => {
    let ort: OrtRuntime;
    try {
      ort = await loadRuntime();
    } catch (error) {
      reasons.set(device, `${(error as Error).message}. ${installHint}`);
      return false;
    }
    if (device === 'cuda') return probeCuda(ort);
    return device === 'cpu';
  };
  return {
    isAvailable(device) {
      let result = probes.get(device);
      if (!result) {
        result = probe(device);
        probes.set(device, result);
      }
      return result;
    },
    reason: (device) => reasons.get(device),
  };
}
