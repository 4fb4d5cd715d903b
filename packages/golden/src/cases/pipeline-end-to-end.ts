import { decodeAudio } from '@joyvasa/audio-encoder';
import { createTensor, type FaceLocatorV1 } from '@joyvasa/core';
import { type PrepareSourceOptions, prepareSource } from '@joyvasa/liveportrait';
import { keypointCount, opennessFromLandmarks203 } from '@joyvasa/liveportrait/internal';
import { collectMotion, sampleMotion } from '@joyvasa/motion-diffusion';
import { compareToGolden, type GoldenComparison } from '../golden-case.js';
import { compareLevels, pipelineTolerances } from './pipeline-compare.js';
import { type PipelineVariant, pipelinePath, savedFrames } from './pipeline-manifest.js';
import { keypointValues, readGolden, type StageContext, variantCropOptions } from './pipeline-stages.js';
import { variantSampler } from './pipeline-stages-motion.js';
import { renderFrame } from './pipeline-stages-render.js';

/**
 * A caller's face locator that returns fixed landmarks, as the golden's stand-in detector did: the 106
 * points place the crop, the 203 points give the eye and lip openness.
 */
export function fixedLandmarkLocator(landmarks106: Float32Array, landmarks203: Float32Array): FaceLocatorV1 {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < landmarks106.length; i += 2) {
    [x1, x2] = [Math.min(x1, landmarks106[i]!), Math.max(x2, landmarks106[i]!)];
    [y1, y2] = [Math.min(y1, landmarks106[i + 1]!), Math.max(y2, landmarks106[i + 1]!)];
  }
  return {
    specificationVersion: 'v1',
    name: 'golden-landmarks',
    subject: 'human',
    locate: async () => ({
      face: {
        box: [x1, y1, x2, y2],
        score: 1,
        cropLandmarks: landmarks106,
        openness: opennessFromLandmarks203(landmarks203),
      },
      others: [],
    }),
  };
}

/** A variant's official configuration as the SDK's source options. */
export function variantSourceOptions(
  variant: PipelineVariant,
  faceLocator: FaceLocatorV1,
): PrepareSourceOptions {
  const config = variant.inference_config;
  const crop = variantCropOptions(variant);
  return {
    crop: config.flag_do_crop,
    ...(crop.scale !== undefined ? { cropScale: crop.scale } : {}),
    ...(crop.vyRatio !== undefined ? { cropOffsetY: crop.vyRatio } : {}),
    ...(crop.rotate !== undefined ? { cropRotation: crop.rotate } : {}),
    sourceMaxDim: config.source_max_dim,
    sourceDivision: config.source_division,
    faceLocator,
    stitching: config.flag_stitching,
    pasteBack: config.flag_pasteback,
    relativeMotion: config.flag_relative_motion,
    normalizeLip: config.flag_normalize_lip,
    drivingMultiplier: config.driving_multiplier,
    drivingOption: config.driving_option,
    region: config.animation_region,
  };
}

/**
 * end-to-end: from the inputs alone (the PNG, the two landmark sets through a caller's locator, the WAV,
 * the template pickle, formula noise) through the SDK's source preparation and sampler: every frame's
 * x_d, then the saved frames rendered and pasted back.
 */
export async function endToEndStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}end-to-end`;
  const { variant, inputs, networks, context } = stage;
  const manifestInputs = (await context.readJson(pipelinePath('manifest.json'))) as {
    inputs: { audio_wav: string };
  };
  const audio = await decodeAudio(await context.readBytes(pipelinePath(manifestInputs.inputs.audio_wav)), {
    sampleRate: networks.audioEncoder.sampleRate,
  });
  const locator = fixedLandmarkLocator(inputs.landmarks106, inputs.landmarks203);
  const source = await prepareSource(
    inputs.image,
    networks.liveportrait,
    variantSourceOptions(variant, locator),
  );
  const config = networks.motionConfig;
  const motion = await collectMotion(
    sampleMotion({
      ...variantSampler(stage),
      pcm: audio.pcm,
      audioEncoder: networks.audioEncoder,
      template: inputs.template,
      smoothing: variant.arguments.is_smooth_motion,
      fps: config.fps,
      padMode: config.padMode,
    }),
  );
  const xd = new Float32Array(motion.length * keypointValues);
  for (const [i, frame] of motion.entries()) xd.set(await source.driver.drive(frame), i * keypointValues);
  const goldenXd = await readGolden(stage, variant.keypoints.x_d);
  const rows = [
    compareToGolden(
      module,
      'x_d',
      createTensor('float32', [motion.length, keypointCount, 3], xd),
      goldenXd,
      pipelineTolerances.endToEndKeypoints,
    ),
  ];
  const bound = pipelineTolerances.endToEndFrame;
  for (const [index, file] of savedFrames(variant.frames)) {
    const driving = xd.slice(index * keypointValues, (index + 1) * keypointValues);
    const { rendered, image } = await renderFrame(stage, source.features, source.sourceKeypoints, driving);
    rows.push(...compareLevels(module, `frame${index}`, image.data, await readGolden(stage, file), bound));
    const pastedFile = variant.pasted[String(index)];
    if (!pastedFile) continue;
    const pasted = await source.compose(rendered);
    rows.push(
      ...compareLevels(module, `pasted${index}`, pasted.data, await readGolden(stage, pastedFile), bound),
    );
  }
  return rows;
}
