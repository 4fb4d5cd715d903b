/**
 * The full-size renderer graphs (W and G) for the render benchmark: read from a bundle folder, or built
 * once with PyTorch-default-like random weights (what the official benchmark's modules hold) and cached.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildRendererGraph,
  buildSpadeGenerator,
  buildWarpingModule,
  type GeneratorVariantName,
  generatorVariants,
  isGeneratorVariantName,
  isWarpingVariantName,
  spadeGeneratorDefaultConfig,
  version,
  type WarpingVariantName,
  warpingModuleDefaultConfig,
  warpingVariants,
} from '@joyvasa/model-builder';
import type { GraphBuilder, ModelDtype } from '@joyvasa/model-builder/onnx';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';

/** The two graphs of one precision and one device family, as ONNX bytes. */
export interface RenderGraphs {
  readonly warping: Uint8Array;
  readonly generator: Uint8Array;
  /** W then G as one graph (`buildRendererGraph`), when asked for and built here. */
  readonly fused?: Uint8Array;
  /** Where they came from, for the report. */
  readonly source: string;
}

/**
 * Which W: `default` (ONNX GridSample, Conv3D); `webgpu`, the bundle's WebGPU variant (no 5-D GridSample,
 * Conv3D as sums of Conv2D); `conv2d`, GridSample with Conv3D as Conv2D sums (batch 1 only; a CPU attempt).
 */
export type GraphFamily = 'default' | 'webgpu' | 'conv2d';

const seed = 'bench';

/** The forms W and G are built in (`warpingVariants`, `generatorVariants`); official when absent. */
export interface RenderForms {
  readonly warping?: WarpingVariantName;
  readonly generator?: GeneratorVariantName;
}

/** `--warping-variant` and `--generator-variant` of the scripts as forms; an unknown name throws. */
export function parseRenderForms(warping: string | undefined, generator: string | undefined): RenderForms {
  const forms: { warping?: WarpingVariantName; generator?: GeneratorVariantName } = {};
  if (warping) {
    if (!isWarpingVariantName(warping)) throw new Error(`no W form '${warping}'`);
    forms.warping = warping;
  }
  if (generator) {
    if (!isGeneratorVariantName(generator)) throw new Error(`no G form '${generator}'`);
    forms.generator = generator;
  }
  return forms;
}

function builders(
  family: GraphFamily,
  forms: RenderForms,
): Record<'warping' | 'generator' | 'fused', () => GraphBuilder> {
  const weights = () => createFormulaSource(seed, new Map(), 'pytorch-default');
  const webgpu = family === 'webgpu';
  const warping = {
    ...warpingModuleDefaultConfig,
    gridSample: webgpu ? ('gather' as const) : ('native' as const),
    conv3dAsConv2d: family !== 'default',
    variant: warpingVariants[forms.warping ?? 'official'],
  };
  const generator = {
    ...spadeGeneratorDefaultConfig,
    variant: generatorVariants[forms.generator ?? 'official'],
  };
  return {
    warping: () => buildWarpingModule(weights(), warping),
    generator: () => buildSpadeGenerator(weights(), generator),
    fused: () => buildRendererGraph({ warping: weights(), generator: weights() }, { warping, generator }),
  };
}

/** Builds (or reads from `cacheDir`) one graph; the cache key holds the builder's version. */
export async function cachedGraph(
  cacheDir: string,
  name: string,
  build: () => GraphBuilder,
  dtype: ModelDtype,
): Promise<Uint8Array> {
  const file = join(cacheDir, `${name}-${dtype}-${version}.onnx`);
  if (existsSync(file)) return new Uint8Array(await readFile(file));
  const bytes = build().encode({ dtype });
  await mkdir(cacheDir, { recursive: true });
  // Write then rename: an interrupted build never leaves a truncated graph behind.
  await writeFile(`${file}.part`, bytes);
  await rename(`${file}.part`, file);
  return bytes;
}

/** The bundle's W (or its WebGPU variant) and G files. */
async function bundleGraphs(bundle: string, family: GraphFamily): Promise<RenderGraphs> {
  const manifest = JSON.parse(await readFile(join(bundle, 'manifest.json'), 'utf8'));
  const warping = manifest.components.warping_module;
  const file = family === 'webgpu' ? (warping.devices?.webgpu?.file ?? warping.file) : warping.file;
  return {
    warping: new Uint8Array(await readFile(join(bundle, file.path))),
    generator: new Uint8Array(await readFile(join(bundle, manifest.components.spade_generator.file.path))),
    source: `bundle ${bundle}`,
  };
}

/**
 * W and G for `dtype` and `family`: from `bundle` when given (its own precision), else built with
 * PyTorch-default-like weights into `cacheDir` on first use.
 */
export async function renderGraphs(options: {
  readonly dtype: ModelDtype;
  readonly family: GraphFamily;
  readonly cacheDir: string;
  readonly bundle?: string;
  readonly fused?: boolean;
  /** Built graphs only: W and G in these forms. */
  readonly forms?: RenderForms;
}): Promise<RenderGraphs> {
  if (options.bundle) return bundleGraphs(options.bundle, options.family);
  const forms = options.forms ?? {};
  const build = builders(options.family, forms);
  // Cache names: the official forms keep their names of before the forms existed.
  const suffix = (form: string | undefined) => (form && form !== 'official' ? `-${form}` : '');
  const [w, g] = [suffix(forms.warping), suffix(forms.generator)];
  const tag = options.family === 'default' ? `warping${w}` : `warping-${options.family}${w}`;
  return {
    warping: await cachedGraph(options.cacheDir, tag, build.warping, options.dtype),
    generator: await cachedGraph(options.cacheDir, `generator${g}`, build.generator, options.dtype),
    ...(options.fused && options.family === 'default'
      ? { fused: await cachedGraph(options.cacheDir, `renderer${w}${g}`, build.fused, options.dtype) }
      : {}),
    source: `built, PyTorch-default-like random weights (seed "${seed}"), cached in ${options.cacheDir}`,
  };
}
