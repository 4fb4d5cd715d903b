import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { DeviceCopier } from './device-copier.js';
import { createNativeSession } from './native-session.js';
import { defaultLibraryPath, loadOrtLibrary } from './ort-library.js';
import { OrtRuntime } from './ort-runtime.js';

// The copier runs the same way on the CPU provider, where "device" memory is host memory: what this checks
// is the Identity model per type and rank, the bindings, and that every object is released.
describe('DeviceCopier', () => {
  it('copies each element type into a bound tensor and back out, releasing what it made', async () => {
    const runtime = new OrtRuntime(await loadOrtLibrary(defaultLibraryPath()!));
    const copier = new DeviceCopier(runtime, (bytes) =>
      createNativeSession(runtime, bytes, { device: 'cpu', deviceId: 0, options: {} }),
    );
    const tensors: TensorLike[] = [
      createTensor('float32', [2, 3], Float32Array.from([1, -2, 3.5, 4, 5, 6])),
      createTensor('float16', [4], Uint16Array.from([0x3c00, 0x4000, 0xbc00, 0])),
      createTensor('int64', [1, 2, 1], BigInt64Array.from([7n, -9n])),
      createTensor('uint8', [3], Uint8Array.from([0, 128, 255])),
    ];
    for (const tensor of tensors) {
      const source = runtime.hostTensor(tensor);
      const target = runtime.allocateTensor(runtime.cpuAllocator, tensor.type, tensor.dims);
      await copier.copyInto(tensor.type, tensor.dims.length, source, target);
      const back = await copier.download(runtime.shapeOf(target), target);
      expect(back).toEqual({ type: tensor.type, dims: tensor.dims, data: tensor.data });
      runtime.release('value', source);
      runtime.release('value', target);
    }
    await copier.dispose();
    expect(runtime.objects.alive()).toEqual({});
  });
});
