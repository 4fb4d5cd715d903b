/**
 * float16 accuracy of the renderer against float32, on PyTorch-default-like random weights (the official
 * modules' own initialisation, well conditioned): W+G frames in 8-bit levels (mean and max |Δ|), W's
 * deformation (the sampling coordinates) and occlusion map, for the official-style feeds and, when the golden
 * folder is there, its W inputs. Keypoints come from the motion extractor, which stays float32.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/accuracy-render.ts \
 *     [--device cpu|cuda] [--threads N] [--golden ../shared/golden/seed-a] [--json]
 *     [--warping-variant <W form>] [--generator-variant <G form>] [--backend onnx-node|onnx-capi]
 *     [--capi '<OnnxCapiSessionOptions as JSON>']
 *
 * The float16 side may be another form of W and G (`warpingVariants`, `generatorVariants`) on another backend
 * with its options (`--backend onnx-capi --capi '{"sessions":{"spade_generator":{"cuda":{"preferNhwc":true}}}}'`):
 * the accuracy of the configuration a GPU would run, against the official float32 graphs on onnxruntime-node.
 *
 * On the CPU, onnxruntime has few float16 kernels: it casts around each float16 node and computes in
 * float32, so every intermediate value is still rounded to float16 (what storage costs) but sums are float32,
 * as on GPUs' tensor cores. Prints figures only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { BackendV1, Device, SessionV1, TensorLike } from '@joyvasa/core';
import { readNpy } from '@joyvasa/model-builder/checkpoint';
import type { ModelDtype } from '@joyvasa/model-builder/onnx';
import { officialStyleFeeds } from './render-feeds.js';
import { parseRenderForms, renderGraphs } from './render-graphs.js';

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    threads: { type: 'string' },
    golden: { type: 'string', default: join(import.meta.dirname, '../../../../shared/golden/seed-a') },
    'cache-dir': { type: 'string', default: join(tmpdir(), 'joyvasa-bench-render') },
    json: { type: 'boolean', default: false },
    'warping-variant': { type: 'string' },
    'generator-variant': { type: 'string' },
    backend: { type: 'string', default: 'onnx-node' },
    capi: { type: 'string' },
  },
});
const device = values.device as Device;
const reference = createOnnxNodeBackend();
const candidate = values.backend === 'onnx-capi' ? createOnnxCapiBackend() : reference;
const variants = parseRenderForms(values['warping-variant'], values['generator-variant']);

/** W and G as `backend` opens them: the official float32 graphs, or the float16 side in the forms asked for. */
async function sessions(
  dtype: ModelDtype,
  backend: BackendV1,
): Promise<{ warping: SessionV1; generator: SessionV1 }> {
  // The float32 reference is the official form; the float16 side is in the forms asked for.
  const forms = dtype === 'fp16' ? variants : {};
  const { warping, generator } = await renderGraphs({
    dtype,
    family: 'default',
    cacheDir: values['cache-dir'],
    forms,
  });
  const options = {
    device,
    ...(values.threads ? { threads: Number(values.threads) } : {}),
    ...(values.capi ? { backendOptions: { 'onnx-capi': JSON.parse(values.capi) } } : {}),
  };
  return {
    warping: await backend.createSession(warping, { ...options, name: 'warping_module' }),
    generator: await backend.createSession(generator, { ...options, name: 'spade_generator' }),
  };
}

async function render(
  model: { warping: SessionV1; generator: SessionV1 },
  feeds: Record<string, TensorLike>,
) {
  const warped = await model.warping.run(feeds);
  const { image } = await model.generator.run({ feature: warped.out! });
  return { image: image!, deformation: warped.deformation!, occlusion: warped.occlusion_map! };
}

interface Difference {
  readonly mean: number;
  readonly max: number;
}

function differences(a: TensorLike, b: TensorLike, scale = 1): Difference {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(Number(a.data[i]) - Number(b.data[i])) * scale;
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.data.length, max };
}

const inputs: Array<[string, Record<string, TensorLike>]> = [
  ['official-style random feeds, 2 frames', officialStyleFeeds(2)],
];
if (existsSync(join(values.golden, 'feature_3d.npy'))) {
  const read = (name: string) =>
    readNpy(new Uint8Array(readFileSync(join(values.golden, `${name}.npy`))), name);
  inputs.push([
    `golden W inputs (${values.golden})`,
    { feature_3d: read('feature_3d'), kp_driving: read('kp_driving'), kp_source: read('kp_source') },
  ]);
}
const [full, half] = [await sessions('fp32', reference), await sessions('fp16', candidate)];
const rows: Array<{
  inputs: string;
  device: Device;
  forms: string;
  levels: Difference;
  deformation: Difference;
  occlusion: Difference;
}> = [];
for (const [name, feeds] of inputs) {
  const [a, b] = [await render(full, feeds), await render(half, feeds)];
  const levels = differences(a.image, b.image, 255);
  const deformation = differences(a.deformation, b.deformation);
  const occlusion = differences(a.occlusion, b.occlusion);
  rows.push({
    inputs: name,
    device,
    forms: `${variants.warping ?? 'official'}+${variants.generator ?? 'official'} on ${candidate.name}`,
    levels,
    deformation,
    occlusion,
  });
}
await Promise.all([full, half].flatMap((m) => [m.warping.dispose(), m.generator.dispose()]));
if (values.json) for (const row of rows) console.log(JSON.stringify(row));
else {
  console.log(
    '| inputs | device | float16 forms | frame levels: mean abs Δ | max abs Δ | deformation max abs Δ | occlusion max abs Δ |',
  );
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${row.inputs} | ${device} | ${row.forms} | ${row.levels.mean.toFixed(3)} | ${row.levels.max.toFixed(2)} | ` +
        `${row.deformation.max.toExponential(2)} | ${row.occlusion.max.toExponential(2)} |`,
    );
  }
}
