import type { Float32Tensor, TensorLike } from '@joyvasa/core';
import {
  appearanceFeatureExtractorDefaultConfig,
  buildAppearanceFeatureExtractor,
  buildMotionExtractor,
  buildRetargetingMlp,
  buildSpadeGenerator,
  buildWarpingModule,
  type GridSampleMode,
  retargetingMlpConfigs,
  type WeightSource,
  warpingModuleDefaultConfig,
} from '@joyvasa/model-builder';
import {
  compareToGolden,
  type GoldenCase,
  type GoldenComparison,
  type GoldenContext,
} from '../golden-case.js';

const manifestPath = 'manifest.json';

interface GoldenOutputs {
  readonly outputs?: Readonly<Record<string, { readonly file: string }>>;
}

/** Compares every output the manifest lists for `module` with the graph's output of the same name. */
async function compareOutputs(
  context: GoldenContext,
  module: string,
  actual: Readonly<Record<string, TensorLike>>,
  label: (output: string) => string = (output) => output,
): Promise<GoldenComparison[]> {
  const manifest = (await context.readJson(manifestPath)) as {
    modules: Record<string, GoldenOutputs>;
  };
  const comparisons: GoldenComparison[] = [];
  for (const [output, { file }] of Object.entries(manifest.modules[module]?.outputs ?? {})) {
    const value = actual[output];
    if (!value) throw new Error(`${module}: the graph has no output ${output}`);
    comparisons.push(compareToGolden(module, label(output), value, await context.readArray(file)));
  }
  return comparisons;
}

/** Memoises a source so the two warping variants share one set of formula weights. */
function memoised(source: WeightSource): WeightSource {
  const cache = new Map<string, Float32Tensor>();
  return {
    ...source,
    get(key, shape) {
      let tensor = cache.get(key);
      if (!tensor) {
        tensor = source.get(key, shape);
        cache.set(key, tensor);
      }
      return tensor;
    },
  };
}

function retargetingCase(role: keyof typeof retargetingMlpConfigs): GoldenCase {
  const module = `stitching_retargeting_module.${role}`;
  return {
    manifestPath,
    modules: [module],
    async check(context) {
      const weights = await context.weights(manifestPath, module);
      const model = buildRetargetingMlp(weights, retargetingMlpConfigs[role]).encode();
      const input = await context.readArray(`stitch_in_${role}.npy`);
      const { output } = await context.run(model, { input }, module);
      return [compareToGolden(module, 'y', output!, await context.readArray(`stitch_out_${role}.npy`))];
    },
  };
}

/** A module with the source image as its only input (F and M), in each variant the bundle ships. */
function imageCase(
  module: string,
  variants: Record<string, (weights: WeightSource) => { encode(): Uint8Array }>,
): GoldenCase {
  return {
    manifestPath,
    modules: [module],
    async check(context) {
      const weights = memoised(await context.weights(manifestPath, module));
      const comparisons: GoldenComparison[] = [];
      for (const [variant, build] of Object.entries(variants)) {
        const outputs = await context.run(
          build(weights).encode(),
          { img: await context.readArray('image.npy') },
          module,
        );
        const label = (output: string) => (variant === 'default' ? output : `${output} [${variant}]`);
        comparisons.push(...(await compareOutputs(context, module, outputs, label)));
      }
      return comparisons;
    },
  };
}

const warpingCase: GoldenCase = {
  manifestPath,
  modules: ['warping_module'],
  async check(context) {
    const module = 'warping_module';
    const weights = memoised(await context.weights(manifestPath, module));
    const feeds = {
      feature_3d: await context.readArray('feature_3d.npy'),
      kp_driving: await context.readArray('kp_driving.npy'),
      kp_source: await context.readArray('kp_source.npy'),
    };
    const comparisons: GoldenComparison[] = [];
    // The default graph, and the bundle's WebGPU variant (Gather sampling, Conv3D as Conv2D sums).
    for (const webgpu of [false, true]) {
      const gridSample: GridSampleMode = webgpu ? 'gather' : 'native';
      const config = { ...warpingModuleDefaultConfig, gridSample, conv3dAsConv2d: webgpu };
      const outputs = await context.run(
        buildWarpingModule(weights, config).encode(),
        feeds,
        `${module} (${gridSample})`,
      );
      const label = (output: string) => (webgpu ? `${output} [webgpu]` : output);
      comparisons.push(...(await compareOutputs(context, module, outputs, label)));
    }
    return comparisons;
  },
};

/**
 * G under the golden formula weights is chaotic: every SPADE block's InstanceNorm rescales small activations
 * (rms ≈ 0.03) to unit variance, so a perturbation grows 3–7× per block. In float64 a 1e-6 relative change of
 * the input moves the image by 5e-3, and the golden float32 image itself lies 2.6e-2 (max) / 2.3e-3 (rms)
 * from the float64 result of the same weights. No float32 implementation that is not bit-identical to
 * PyTorch's kernels can meet 1e-4, so the max error is held to 3e-2 (the golden's own float32 error) and the
 * rms error, far more selective since any real bug is amplified to the signal's size (std 0.021), to 3e-3.
 */
const spadeTolerance = { max: 3e-2, rms: 3e-3 };

function rmsComparison(module: string, output: string, actual: TensorLike, expected: TensorLike) {
  let sum = 0;
  for (let i = 0; i < expected.data.length; i++) {
    sum += (Number(actual.data[i]) - Number(expected.data[i])) ** 2;
  }
  const rms = Math.sqrt(sum / expected.data.length);
  const tolerance = spadeTolerance.rms;
  return { module, output, maxAbsError: rms, tolerance, passed: rms <= tolerance };
}

const spadeCase: GoldenCase = {
  manifestPath,
  modules: ['spade_generator'],
  async check(context) {
    const module = 'spade_generator';
    const model = buildSpadeGenerator(await context.weights(manifestPath, module)).encode();
    const { image } = await context.run(model, { feature: await context.readArray('warp_out.npy') }, module);
    if (!image) throw new Error(`${module}: the graph has no output image`);
    const expected = await context.readArray('generated.npy');
    const max = compareToGolden(module, 'image', image, expected, spadeTolerance.max);
    const rms = max.note ? [] : [rmsComparison(module, 'image [rms]', image, expected)];
    return [
      { ...max, note: max.note ?? 'chaotic under formula weights: looser tolerance, see the case' },
      ...rms,
    ];
  },
};

/** Golden parity cases of the LivePortrait modules. */
export const liveportraitCases: readonly GoldenCase[] = [
  imageCase('appearance_feature_extractor', {
    default: (weights) => buildAppearanceFeatureExtractor(weights),
    webgpu: (weights) =>
      buildAppearanceFeatureExtractor(weights, {
        ...appearanceFeatureExtractorDefaultConfig,
        conv3dAsConv2d: true,
      }),
  }),
  imageCase('motion_extractor', { default: (weights) => buildMotionExtractor(weights) }),
  warpingCase,
  spadeCase,
  retargetingCase('stitching'),
  retargetingCase('lip'),
  retargetingCase('eye'),
];
