import type { TensorLike } from '@joyvasa/core';
import { parseKeypointInfo, stitchKeypoints, transformKeypoint } from '@joyvasa/liveportrait/internal';
import { buildRetargetingMlp, retargetingMlpConfigs } from '@joyvasa/model-builder';
import { compareToGolden, type GoldenCase, type GoldenContext } from '../golden-case.js';

const manifestPath = 'manifest.json';

const float32 = (dims: readonly number[], data: ArrayLike<number>): TensorLike<'float32'> => ({
  type: 'float32',
  dims,
  data: Float32Array.from(data),
});

/** The motion extractor's golden outputs, as the golden folder stores them. */
async function readKeypointInfo(context: GoldenContext) {
  const names = ['pitch', 'yaw', 'roll', 't', 'exp', 'scale', 'kp'] as const;
  const arrays = await Promise.all(names.map((name) => context.readArray(`kp_info_${name}.npy`)));
  return parseKeypointInfo(Object.fromEntries(names.map((name, i) => [name, arrays[i]!])));
}

/** Head-pose degrees, rotation matrix and source keypoints from M's outputs, in TypeScript. */
const transformKeypointCase: GoldenCase = {
  manifestPath,
  modules: ['transform_keypoint'],
  async check(context) {
    const module = 'transform_keypoint';
    const info = await readKeypointInfo(context);
    const actual: Record<string, TensorLike> = {
      pitch_deg: float32([1], [info.pitch]),
      yaw_deg: float32([1], [info.yaw]),
      roll_deg: float32([1], [info.roll]),
      rot: float32([1, 3, 3], info.rotation),
      kp_source: float32([1, 21, 3], transformKeypoint(info)),
    };
    return Promise.all(
      Object.entries(actual).map(async ([name, tensor]) => {
        try {
          return compareToGolden(module, name, tensor, await context.readArray(`${name}.npy`));
        } catch (error) {
          // One unreadable golden file must not hide the verdicts of the others.
          const note = `cannot read ${name}.npy: ${error instanceof Error ? error.message : String(error)}`;
          return { module, output: name, maxAbsError: Number.NaN, tolerance: 0, passed: false, note };
        }
      }),
    );
  },
};

/** Stitching as the wrapper applies it: the MLP built from formula weights, its output added in TypeScript. */
const stitchingAppliedCase: GoldenCase = {
  manifestPath,
  modules: ['stitching_applied'],
  async check(context) {
    const module = 'stitching_retargeting_module.stitching';
    const weights = await context.weights(manifestPath, module);
    const model = buildRetargetingMlp(weights, retargetingMlpConfigs.stitching).encode();
    const runStitching = async (input: TensorLike) => (await context.run(model, { input }, module)).output!;
    const [source, driving] = await Promise.all([
      context.readArray('kp_source.npy'),
      context.readArray('kp_driving.npy'),
    ]);
    const stitched = await stitchKeypoints(
      source.data as Float32Array,
      driving.data as Float32Array,
      runStitching,
    );
    return [
      compareToGolden(
        'stitching_applied',
        'kp_stitched',
        float32([1, 21, 3], stitched),
        await context.readArray('kp_stitched.npy'),
      ),
    ];
  },
};

/** Golden parity cases of LivePortrait's runtime TypeScript (keypoint transform, stitching as applied). */
export const liveportraitRuntimeCases: readonly GoldenCase[] = [transformKeypointCase, stitchingAppliedCase];
