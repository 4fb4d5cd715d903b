import {
  buildRetargetingMlp,
  compareToGolden,
  type GoldenCase,
  retargetingMlpConfigs,
} from '@joyvasa/model-builder';

const manifestPath = 'manifest.json';

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

/** Golden parity cases of the LivePortrait modules. */
export const liveportraitCases: readonly GoldenCase[] = [
  retargetingCase('stitching'),
  retargetingCase('lip'),
  retargetingCase('eye'),
];
