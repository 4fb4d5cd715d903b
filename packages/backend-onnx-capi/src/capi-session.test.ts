import { DeviceTensorRegistry } from '@joyvasa/core';
import { affineModel, mlpModel, testInput } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { createCapiSession } from './capi-session.js';
import { DeviceCopier } from './device-copier.js';
import { createNativeSession, type NativeSessionConfig, readSignature } from './native-session.js';
import { defaultLibraryPath, loadOrtLibrary } from './ort-library.js';
import { OrtRuntime } from './ort-runtime.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

/** A session whose "device" memory is a CPU allocator of its own: the GPU code paths, run on the CPU. */
async function cpuStandIn(options: {
  cudaGraph: boolean;
  pinned: boolean;
  runtime?: OrtRuntime;
  deviceTensors?: DeviceTensorRegistry<bigint>;
  bytes?: Uint8Array;
}) {
  const runtime = options.runtime ?? new OrtRuntime(await loadOrtLibrary(defaultLibraryPath()!));
  const config: NativeSessionConfig = { device: 'cpu', deviceId: 0, options: {} };
  const model = { ...mlpModel(), ...(options.bytes ? { bytes: options.bytes } : {}) };
  const native = await createNativeSession(runtime, model.bytes, config);
  const allocatorPair = () => {
    const memory = runtime.create('memory-info', 'CreateCpuMemoryInfo', 1, 0);
    return { memory, allocator: runtime.create('allocator', 'CreateAllocator', native, memory) };
  };
  const copier = new DeviceCopier(runtime, (bytes) => createNativeSession(runtime, bytes, config));
  const session = createCapiSession({
    runtime,
    session: native,
    device: 'cpu',
    memoryName: 'cpu',
    deviceTensors: options.deviceTensors ?? new DeviceTensorRegistry<bigint>(),
    name: 'mlp',
    inputs: readSignature(runtime, native, 'input'),
    outputs: readSignature(runtime, native, 'output'),
    gpu: {
      ...allocatorPair(),
      copier,
      cudaGraph: options.cudaGraph,
      ...(options.pinned ? { pinned: allocatorPair() } : {}),
    },
  });
  return { runtime, model, session };
}

describe('a session with device memory (the CUDA code paths on the CPU provider)', () => {
  it('runs plain, pinned and uploaded feeds alike, and frees everything', async () => {
    for (const pinned of [false, true]) {
      const { runtime, model, session } = await cpuStandIn({ cudaGraph: false, pinned });
      const x = testInput([4, 4]);
      const held = await session.upload!(x);
      for (const feed of [x, held]) {
        const { y, z } = await session.run({ x: feed });
        expect(maxDiff(y!.data as Float32Array, model.reference(x).y)).toBeLessThan(1e-5);
        expect(maxDiff(z!.data as Float32Array, model.reference(x).z)).toBeLessThan(1e-5);
      }
      await session.dispose();
      expect(runtime.objects.alive()).toEqual({});
    }
  });
});

// The CUDA-graph path (fixed buffers per input shape, outputs kept from the first run, copies through the
// copier) run on the CPU provider, with a session allocator standing in for device memory.
describe('a session with fixed bindings', () => {
  it('reuses one set of buffers per input shape, returns fresh results, and frees everything', async () => {
    const { runtime, model, session } = await cpuStandIn({ cudaGraph: true, pinned: false });
    const valuesAlive = () => runtime.objects.alive().value ?? 0;
    const held = await session.upload!(testInput([5, 4]));
    const counts: number[] = [];
    for (const [run, rows] of [5, 5, 2, 5, 2].entries()) {
      const x = testInput([rows, 4]);
      x.data[0] = run; // each run different, so a stale output would show
      const { y, z } = await session.run({ x });
      const reference = model.reference(x);
      expect(y!.dims).toEqual([rows, 3]);
      expect(maxDiff(y!.data as Float32Array, reference.y)).toBeLessThan(1e-5);
      expect(maxDiff(z!.data as Float32Array, reference.z)).toBeLessThan(1e-5);
      counts.push(valuesAlive());
    }
    // Two shapes: one input and two outputs each, plus the upload; no more after the first run of a shape.
    expect(counts).toEqual([4, 4, 7, 7, 7]);
    const { y } = await session.run({ x: held }, { outputs: ['y'] });
    expect(maxDiff(y!.data as Float32Array, model.reference(testInput([5, 4])).y)).toBeLessThan(1e-5);
    await session.dispose();
    expect(runtime.objects.alive()).toEqual({});
  });
});

describe('runToDevice on a session with fixed bindings', () => {
  it("hands over a copy: the next run's fixed outputs do not change it, and nothing is left", async () => {
    const deviceTensors = new DeviceTensorRegistry<bigint>();
    const first = await cpuStandIn({ cudaGraph: true, pinned: false, deviceTensors });
    const { runtime } = first;
    const affine = affineModel();
    const second = await cpuStandIn({
      cudaGraph: true,
      pinned: false,
      deviceTensors,
      runtime,
      bytes: affine.bytes,
    });
    const x = testInput([3, 4]);
    const kept = await first.session.runToDevice!({ x }, { outputs: ['y'] });
    await first.session.run({ x: testInput([3, 4], 1) }); // overwrites the fixed outputs of this shape
    const { w } = await second.session.run({ y: kept.y! });
    const expected = affine.reference(first.model.reference(x).y);
    expect(maxDiff(w!.data as Float32Array, expected)).toBeLessThan(1e-5);
    await kept.y!.dispose();
    await Promise.all([first.session.dispose(), second.session.dispose()]);
    expect(runtime.objects.alive()).toEqual({});
  });
});
