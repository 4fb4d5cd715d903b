/**
 * Conformance-style checks of the onnx-capi backend on one device, without vitest (the GPU machine has no
 * registry): the checks of `describeBackendConformance`, under several sets of CUDA provider options (CUDA
 * graphs among them), and a count of native objects left once everything is disposed. Every failure is
 * recorded with onnxruntime's message and the script goes on, so one bad option does not hide the rest.
 *
 *   node smoke.mjs [--device cuda] [--out smoke.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  createTensor,
  type Device,
  isDeviceTensor,
  ModelLoadError,
  SessionRunError,
  type SessionV1,
} from '@joyvasa/core';
import { affineModel, gatherModel, mlpModel, testInput } from '../../test-utils/src/tiny-models.js';
import { createOnnxCapiBackend } from '../src/index.js';
import type { OnnxCapiSessionOptions } from '../src/provider-options.js';

const { values } = parseArgs({
  options: { device: { type: 'string', default: 'cuda' }, out: { type: 'string' } },
});
const device = values.device as Device;
const optionSets: Record<string, OnnxCapiSessionOptions> = {
  defaults: {},
  tuned: { cuda: { preferNhwc: true, fuseConvBias: true, cudnnConvUseMaxWorkspace: true, useTf32: false } },
  heuristic: { cuda: { cudnnConvAlgoSearch: 'HEURISTIC' } },
  pinned: { pinnedHostMemory: true },
  'cuda-graph': { cuda: { enableCudaGraph: true } },
  'cuda-graph-pinned': { pinnedHostMemory: true, cuda: { enableCudaGraph: true, preferNhwc: true } },
};

interface Check {
  readonly options: string;
  readonly check: string;
  readonly ok: boolean;
  readonly detail?: string;
}
const checks: Check[] = [];
function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}
/**
 * How far the tiny MLP may be from its float64 reference: 1e-4 in plain fp32; on CUDA with TF32 matrix
 * products (the provider's default on Ampere and later: a 10-bit mantissa) 2e-3, measured 4.2e-4 on an H100.
 */
const tolerance = (options: OnnxCapiSessionOptions) =>
  device === 'cuda' && options.cuda?.useTf32 !== false ? 2e-3 : 1e-4;
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length === b.length, `lengths ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};
async function check(options: string, name: string, body: () => Promise<string | undefined>) {
  try {
    const detail = await body();
    checks.push({ options, check: name, ok: true, ...(detail ? { detail } : {}) });
  } catch (error) {
    checks.push({ options, check: name, ok: false, detail: (error as Error).message });
  }
  const last = checks.at(-1)!;
  console.log(`${last.ok ? 'ok  ' : 'FAIL'} [${options}] ${name}${last.detail ? `: ${last.detail}` : ''}`);
}

const backend = createOnnxCapiBackend();
await check('-', 'supported devices', async () => {
  const supported = await backend.supportedDevices();
  const resolved = await backend.resolveDevice(device).catch((error: Error) => error.message);
  expect(supported.includes(device), `${device} not supported: ${resolved}`);
  return supported.join(', ');
});

for (const [label, capi] of Object.entries(optionSets)) {
  const session = (name: string, bytes: Uint8Array) =>
    backend.createSession(bytes, { device, name, backendOptions: { 'onnx-capi': capi } });
  const model = mlpModel();
  let mlp: SessionV1 | undefined;
  await check(label, 'loads and runs the mlp, matching the reference', async () => {
    mlp = await session('mlp', model.bytes);
    const results: string[] = [];
    for (const rows of [5, 5, 5, 2, 5]) {
      const x = testInput([rows, 4]);
      const { y, z } = await mlp.run({ x });
      const reference = model.reference(x);
      const diff = Math.max(
        maxDiff(y!.data as Float32Array, reference.y),
        maxDiff(z!.data as Float32Array, reference.z),
      );
      expect(
        diff < tolerance(capi) && y!.dims.join() === `${rows},3`,
        `rows ${rows}: max diff ${diff}, dims ${y!.dims}`,
      );
      results.push(diff.toExponential(1));
    }
    return `max diffs ${results.join(' ')}`;
  });
  if (!mlp) continue;
  const loaded = mlp;
  await check(label, 'returns only the outputs asked for; refuses an unknown one', async () => {
    const outputs = await loaded.run({ x: testInput([5, 4]) }, { outputs: ['z'] });
    expect(Object.keys(outputs).join() === 'z', `got ${Object.keys(outputs)}`);
    const error = await loaded.run({ x: testInput([5, 4]) }, { outputs: ['nope'] }).catch((e) => e);
    expect(SessionRunError.isInstance(error), 'unknown output accepted');
    return undefined;
  });
  await check(
    label,
    "runs an uploaded tensor in any session of the backend, never another backend's",
    async () => {
      const x = testInput([5, 4]);
      const held = await loaded.upload!(x);
      expect(isDeviceTensor(held), 'not a device tensor');
      const other = await session('other', model.bytes);
      const stranger = await createOnnxCapiBackend().createSession(model.bytes, { device, name: 'stranger' });
      try {
        for (const [run, taker] of [loaded, loaded, other].entries()) {
          const { y } = await taker.run({ x: held });
          const diff = maxDiff(y!.data as Float32Array, model.reference(x).y);
          expect(diff < tolerance(capi), `run ${run}: max diff ${diff}`);
        }
        const foreign = await stranger.run({ x: held }).catch((e) => e);
        expect(SessionRunError.isInstance(foreign), "another backend's device tensor was accepted");
      } finally {
        await Promise.all([other.dispose(), stranger.dispose()]);
      }
      await held.dispose();
      const late = await loaded.run({ x: held }).catch((e) => e);
      expect(SessionRunError.isInstance(late), 'a disposed device tensor was accepted');
      return undefined;
    },
  );
  await check(label, "hands runToDevice's output to another session, unchanged by the next run", async () => {
    const affine = affineModel();
    const next = await session('affine', affine.bytes);
    try {
      const x = testInput([5, 4]);
      const kept = await loaded.runToDevice!({ x }, { outputs: ['y'] });
      const expected = affine.reference(model.reference(x).y);
      const diffs: number[] = [];
      // The second time after another run of the first session (which, with CUDA graphs, replays into the
      // same fixed output buffers): the device tensor must be a copy of its own.
      for (const _ of [0, 1]) {
        const { w } = await next.run({ y: kept.y! });
        diffs.push(maxDiff(w!.data as Float32Array, expected));
        await loaded.run({ x: testInput([5, 4], 3) });
      }
      await kept.y!.dispose();
      expect(Math.max(...diffs) < 3 * tolerance(capi), `max diffs ${diffs}`);
      return `max diffs ${diffs.map((d) => d.toExponential(1)).join(' ')}`;
    } finally {
      await next.dispose();
    }
  });
  await check(label, 'fixes a free axis (fixedAxes), refusing another size', async () => {
    const fixed = await backend.createSession(model.bytes, {
      device,
      name: 'fixed',
      fixedAxes: { n: 2 },
      backendOptions: { 'onnx-capi': capi },
    });
    try {
      expect(fixed.inputSpecs?.x?.dims.join() === '2,4', `specs ${JSON.stringify(fixed.inputSpecs)}`);
      await fixed.run({ x: testInput([2, 4]) });
      const error = await fixed.run({ x: testInput([3, 4]) }).catch((e) => e);
      expect(SessionRunError.isInstance(error), `batch 3 gave ${error}`);
      return (error as Error).message.slice(0, 160);
    } finally {
      await fixed.dispose();
    }
  });
  await check(label, 'reports wrong feeds as SessionRunError', async () => {
    const error = await loaded.run({ x: testInput([2, 7]) }).catch((e) => e);
    expect(SessionRunError.isInstance(error), `got ${error}`);
    return (error as Error).message.slice(0, 160);
  });
  await loaded.dispose();
  await check(label, 'takes int64 inputs', async () => {
    const gather = gatherModel();
    const s = await session('gather', gather.bytes);
    const { rows } = await s.run({ index: createTensor('int64', [2], BigInt64Array.from([3n, 1n])) });
    await s.dispose();
    const expected = [...gather.table.slice(12, 16), ...gather.table.slice(4, 8)];
    expect(maxDiff(rows!.data as Float32Array, expected) === 0, 'wrong rows');
    return undefined;
  });
  await check(label, 'rejects a truncated model with ModelLoadError', async () => {
    const error = await session('broken', model.bytes.slice(0, 40)).catch((e) => e);
    expect(ModelLoadError.isInstance(error), `got ${error}`);
    return (error as Error).message.slice(0, 160);
  });
}
await check('-', 'releases every native object', async () => {
  const alive = await backend.aliveObjects();
  expect(Object.keys(alive).length === 0, JSON.stringify(alive));
  return undefined;
});
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} of ${checks.length} checks passed on ${device}`);
if (values.out) writeFileSync(values.out, `${JSON.stringify({ device, checks }, null, 2)}\n`);
