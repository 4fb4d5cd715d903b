import type { TensorLike } from '@joyvasa/core';
import {
  buildHubertEncoder,
  chineseHubertBaseConfig,
  type HubertConfig,
  hubertConfigFromJson,
  wav2vec2Base960hConfig,
} from '@joyvasa/model-builder';
import {
  compareToGolden,
  type GoldenCase,
  type GoldenComparison,
  type GoldenContext,
  type GoldenManifest,
} from '../golden-case.js';

const manifestPath = 'audio/manifest.json';

/** The encoder configuration the audio manifest gives for `module`, or `fallback`. */
export async function moduleConfig(context: GoldenContext, module: string, fallback: HubertConfig) {
  const manifest = (await context.readJson(manifestPath)) as GoldenManifest;
  const json = manifest.modules[module]?.config;
  return json ? hubertConfigFromJson(json, fallback.name) : fallback;
}

/** Compares with a golden file; an unreadable file fails this one row, not the whole case. */
async function compareFile(
  context: GoldenContext,
  module: string,
  output: string,
  actual: TensorLike | undefined,
  path: string,
): Promise<GoldenComparison> {
  let expected: TensorLike;
  try {
    expected = await context.readArray(path);
  } catch (error) {
    const note = (error as Error).message;
    return { module, output, maxAbsError: Number.POSITIVE_INFINITY, tolerance: 0, passed: false, note };
  }
  if (!actual) {
    const note = 'the graph has no such output';
    return { module, output, maxAbsError: Number.POSITIVE_INFINITY, tolerance: 0, passed: false, note };
  }
  return compareToGolden(module, output, actual, expected);
}

/**
 * The manifest's run: `audio_padded.npy` into a graph without in-graph padding, all three outputs compared.
 * With `paddingCheck`, a second graph pads `audio.npy` itself and must give the same padded window and
 * 25 fps features, which checks `pad_audio` inside the graph against the official padding.
 */
function audioEncoderCase(module: string, fallback: HubertConfig, paddingCheck: boolean): GoldenCase {
  return {
    manifestPath,
    modules: [module],
    async check(context) {
      const config = await moduleConfig(context, module, fallback);
      const weights = await context.weights(manifestPath, module);
      const compare = (output: string, actual: TensorLike | undefined, file = output) =>
        compareFile(context, module, output, actual, `audio/${module}_${file}.npy`);
      const model = buildHubertEncoder(weights, config, {
        includePadding: false,
        debugOutputs: ['conv_features', 'last_hidden_state'],
      }).encode();
      const audio = await context.readArray('audio/audio_padded.npy');
      const outputs = await context.run(model, { audio }, module);
      const results = [
        await compare('conv_features', outputs.conv_features),
        await compare('last_hidden_state', outputs.last_hidden_state),
        await compare('features_25fps', outputs.features),
      ];
      if (!paddingCheck) return results;

      const padded = buildHubertEncoder(weights, config, { debugOutputs: ['padded_audio'] }).encode();
      const raw = await context.readArray('audio/audio.npy');
      const fromRaw = await context.run(padded, { audio: raw }, `${module} (in-graph pad_audio)`);
      return [
        ...results,
        compareToGolden(module, 'pad_audio (in graph)', fromRaw.padded_audio!, audio),
        await compare('features (graph pad)', fromRaw.features, 'features_25fps'),
      ];
    },
  };
}

/** Golden parity cases of the audio encoders (HuBERT as chinese-hubert-base, wav2vec2-base-960h). */
export const audioCases: readonly GoldenCase[] = [
  audioEncoderCase('hubert_zh', chineseHubertBaseConfig, true),
  audioEncoderCase('wav2vec2_base', wav2vec2Base960hConfig, false),
];
