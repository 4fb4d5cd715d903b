/**
 * Kernels chosen by timing (issue 21), the measurement: W, G and W+G (one graph) in each equivalent
 * variant, per precision and batch, on one device, with each variant's largest difference from the
 * official graph of its stage on the same feeds. The lead runs it on the GPU machine (see
 * scripts/gpu-variants.sh); `--size tiny` checks the script itself on a CPU.
 *
 *   tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-variants.ts [--device cuda]
 *     [--size official|tiny] [--dtype fp16,fp32] [--batch 1,4,8] [--runs 20] [--stages W+G,W,G]
 *     [--W official,padded,folded,padded-folded] [--G official,folded,layer-norm,merged,merged-layer-norm]
 *     [--WG official+official,padded-folded+folded,padded-folded+layer-norm]
 *     [--cache-dir <dir>] [--out <dir>] [--budget-s 480]
 *     [--backend onnx-node|onnx-capi] [--capi '<OnnxCapiSessionOptions as JSON>'] [--label <name>]
 *
 * `--backend onnx-capi` times the forms under the CUDA provider's own options (`--capi`, e.g.
 * '{"cuda":{"preferNhwc":true,"fuseConvBias":true}}'); sessions are named as the SDK names them
 * (`warping_module`, `spade_generator`, `renderer`), so per-session options apply as in a head.
 *
 * Writes `<out>/variants.jsonl` (one line per stage, variant, precision and batch, as measured, so a run cut
 * short keeps what it measured) and `<out>/variants-summary.json` (the fastest variant per stage,
 * precision and batch among those within tolerance). Each configuration: 3 warm-up runs (the first builds
 * the convolution plans of that shape), then the median of `--runs`. Prints figures only.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type Device, type TensorLike } from '@joyvasa/core';
import { outputDifference } from '@joyvasa/liveportrait/internal';
import { spadeGeneratorInputChannels } from '@joyvasa/model-builder';
import type { ModelDtype } from '@joyvasa/model-builder/onnx';
import { officialStyleFeeds } from './render-feeds.js';
import { cachedGraph } from './render-graphs.js';
import { median, parseScriptArgs } from './script-args.js';
import {
  type StageVariant,
  type VariantSize,
  type VariantStage,
  variantBuilder,
  variantConfigs,
  variantVolume,
} from './variant-graphs.js';

const values = parseScriptArgs({
  device: 'cuda',
  size: 'official',
  dtype: 'fp16,fp32',
  batch: '1,4,8',
  runs: '20',
  stages: 'W+G,W,G',
  W: 'official,padded,folded,padded-folded',
  G: 'official,folded,layer-norm,merged,merged-layer-norm',
  WG: 'official+official,padded-folded+folded,padded-folded+layer-norm,padded-folded+merged,padded-folded+merged-layer-norm',
  'cache-dir': join(tmpdir(), 'joyvasa-variants'),
  out: '.',
  'budget-s': '480',
  backend: 'onnx-node',
  capi: undefined,
  label: undefined,
});
const list = (text: string) => text.split(',').filter(Boolean);
const device = values.device as Device;
const size = values.size as VariantSize;
const runs = Number(values.runs);
const batches = list(values.batch).map(Number);
const deadline = performance.now() + Number(values['budget-s']) * 1000;
const note = (line: string) => process.stderr.write(`${line}\n`);
mkdirSync(values.out, { recursive: true });
const linesFile = join(values.out, 'variants.jsonl');
writeFileSync(linesFile, '');

/** One measured configuration. */
interface VariantResult {
  stage: VariantStage;
  variant: string;
  dtype: ModelDtype;
  batch: number;
  device: Device;
  ms_per_frame: number;
  min_ms: number;
  max_ms: number;
  /** The first run at this batch (plans built), per frame. */
  first_ms: number;
  /** max |variant − official| / max(1, max |official|) on the stage's main output at batch 1. */
  difference: number;
  /** `--label`: the backend options measured, e.g. `nhwc-fuse`. */
  label?: string;
}

const backend =
  values.backend === 'onnx-capi'
    ? createOnnxCapiBackend()
    : createOnnxNodeBackend({ preference: [device, 'cpu'] });
const backendOptions = values.capi ? { 'onnx-capi': JSON.parse(values.capi) } : {};
/** The SDK's session names, which `--capi`'s per-session options (`sessions`) are keyed by. */
const sessionNames: Record<VariantStage, string> = {
  W: 'warping_module',
  G: 'spade_generator',
  'W+G': 'renderer',
};
const round = (value: number) => Number(value.toPrecision(4));

/** The stage's feeds for `batch` frames and the output compared between variants. */
function stageFeeds(
  stage: VariantStage,
  batch: number,
): { feeds: Record<string, TensorLike>; output: string } {
  const volume = variantVolume(size);
  if (stage !== 'G')
    return { feeds: officialStyleFeeds(batch, volume), output: stage === 'W' ? 'out' : 'image' };
  // G reads W's output at W's resolution; uniform values in [0, 1) as a stand-in.
  const channels = spadeGeneratorInputChannels(variantConfigs(size).generator);
  const dims = [batch, channels, volume[2], volume[3]];
  const count = dims.reduce((a, b) => a * b);
  const data = Float32Array.from({ length: count }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  return { feeds: { feature: createTensor('float32', dims, data) }, output: 'image' };
}

const references = new Map<string, TensorLike>();
/** `official`, or `official+official` for W+G. */
const isOfficialVariant = (name: string) => name.split('+').every((part) => part === 'official');

/** Times one variant of one stage at every batch; false when the time budget ran out. */
async function measureVariant(variant: StageVariant, dtype: ModelDtype): Promise<boolean> {
  const buildStart = performance.now();
  const tag = `${size}-${variant.stage}-${variant.name}`.replace(/[^\w.+-]/g, '_');
  const bytes = await cachedGraph(values['cache-dir'], tag, variantBuilder(variant, size), dtype);
  const loadStart = performance.now();
  const session = await backend.createSession(bytes, {
    device,
    name: sessionNames[variant.stage],
    backendOptions,
  });
  note(
    `${tag} ${dtype}: graph ${((loadStart - buildStart) / 1000).toFixed(1)} s, session ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );
  try {
    for (const batch of batches) {
      if (performance.now() > deadline) return false;
      const { feeds, output } = stageFeeds(variant.stage, batch);
      const times: number[] = [];
      let result: TensorLike | undefined;
      for (let run = 0; run < 3 + runs; run++) {
        const start = performance.now();
        const outputs = await session.run(feeds);
        times.push(performance.now() - start);
        result ??= outputs[output];
      }
      const key = `${variant.stage}:${dtype}:${batch}`;
      if (!references.has(key)) references.set(key, result!);
      const measured = times.slice(3);
      const line: VariantResult = {
        stage: variant.stage,
        variant: variant.name,
        dtype,
        batch,
        device,
        ms_per_frame: round(median(measured) / batch),
        min_ms: round(Math.min(...measured) / batch),
        max_ms: round(Math.max(...measured) / batch),
        first_ms: round(times[0]! / batch),
        difference: round(outputDifference(result!, references.get(key)!)),
        ...(values.label ? { label: values.label } : {}),
      };
      console.log(JSON.stringify(line));
      appendFileSync(linesFile, `${JSON.stringify(line)}\n`);
      results.push(line);
    }
    return true;
  } finally {
    await session.dispose();
  }
}

/** Differences a variant may have from the official graph and still win (float32 with TF32 convolutions; float16). */
const tolerance: Record<ModelDtype, number> = { fp32: 1e-2, fp16: 2e-2 };

/** The fastest variant within tolerance per stage, precision and batch, with the official time beside it. */
function summarise(all: readonly VariantResult[]) {
  const groups = new Map<string, VariantResult[]>();
  for (const line of all) {
    const key = `${line.stage} ${line.dtype} batch ${line.batch}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return Object.fromEntries(
    [...groups].map(([key, lines]) => {
      const eligible = lines.filter((line) => line.difference <= tolerance[line.dtype]);
      const best = eligible.reduce((a, b) => (b.ms_per_frame < a.ms_per_frame ? b : a), eligible[0]!);
      const official = lines.find((line) => isOfficialVariant(line.variant));
      return [
        key,
        { winner: best.variant, ms_per_frame: best.ms_per_frame, official_ms: official?.ms_per_frame },
      ];
    }),
  );
}

const results: VariantResult[] = [];
const names: Record<VariantStage, string[]> = {
  W: list(values.W),
  G: list(values.G),
  'W+G': list(values.WG),
};
note(
  `device ${device}, size ${size}, batches ${batches.join(',')}, runs ${runs}; graphs in ${values['cache-dir']}`,
);
outer: for (const dtype of list(values.dtype) as ModelDtype[]) {
  for (const stage of list(values.stages) as VariantStage[]) {
    // The official graph first: it is every other variant's reference.
    const ordered = [...names[stage]].sort(
      (a, b) => Number(isOfficialVariant(b)) - Number(isOfficialVariant(a)),
    );
    for (const name of ordered) {
      if (!(await measureVariant({ stage, name }, dtype))) {
        note('time budget spent: stopping; the summary covers what was measured');
        break outer;
      }
    }
  }
}
const summary = summarise(results);
writeFileSync(join(values.out, 'variants-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary, null, 2));
