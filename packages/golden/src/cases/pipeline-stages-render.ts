import { createTensor, type Float32Tensor, type RgbImage } from '@joyvasa/core';
import { loadMaskTemplate, pasteBack, preparePasteBackMask, tensorToImage } from '@joyvasa/liveportrait';
import { resizeToLimit } from '@joyvasa/liveportrait/internal';
import type { GoldenComparison } from '../golden-case.js';
import { compareLevels, pipelineTolerances } from './pipeline-compare.js';
import { savedFrames } from './pipeline-manifest.js';
import { keypointValues, readGolden, type StageContext, variantSizeLimit } from './pipeline-stages.js';

/** Renders one frame: W and G of the formula networks, the output as the official code converts it. */
export async function renderFrame(
  stage: StageContext,
  features: Float32Tensor,
  sourceKeypoints: Float32Tensor,
  drivingKeypoints: Float32Array,
): Promise<{ rendered: Float32Tensor; image: RgbImage }> {
  const rendered = await stage.networks.liveportrait.renderer.render({
    features,
    sourceKeypoints,
    drivingKeypoints: createTensor('float32', [1, drivingKeypoints.length / 3, 3], drivingKeypoints),
  });
  return { rendered, image: tensorToImage(rendered) };
}

/** frames: the golden x_d and x_s and F of the golden I_s → each saved frame. */
export async function frameStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}frames`;
  const { variant } = stage;
  const img = (await readGolden(stage, variant.source.I_s!)) as Float32Tensor;
  const { feature_3d: features } = await stage.networks.liveportrait.appearance.run({ img });
  const xs = (await readGolden(stage, variant.source.x_s!)) as Float32Tensor;
  const xd = (await readGolden(stage, variant.keypoints.x_d)).data as Float32Array;
  const rows: GoldenComparison[] = [];
  for (const [index, file] of savedFrames(variant.frames)) {
    const { image: frame } = await renderFrame(
      stage,
      features as Float32Tensor,
      xs,
      xd.slice(index * keypointValues, (index + 1) * keypointValues),
    );
    rows.push(
      ...compareLevels(
        module,
        `frame${index}`,
        frame.data,
        await readGolden(stage, file),
        pipelineTolerances.frame,
      ),
    );
  }
  return rows;
}

/** pasted: the golden frames, M_c2o and source.png → the mask and each pasted frame. */
export async function pastedStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}pasted`;
  const { variant } = stage;
  const image = resizeToLimit(stage.inputs.image, variantSizeLimit(variant));
  const mC2o = (await readGolden(stage, variant.crop.M_c2o)).data as Float32Array;
  const mask = preparePasteBackMask(
    await loadMaskTemplate(),
    Float64Array.from(mC2o),
    image.width,
    image.height,
  );
  const tolerance = pipelineTolerances.pasted;
  const rows = compareLevels(
    module,
    'mask_ori',
    mask.weights,
    await readGolden(stage, variant.mask_ori),
    tolerance,
    255,
  );
  for (const [index, file] of savedFrames(variant.pasted)) {
    const golden = await readGolden(stage, variant.frames[String(index)]!);
    const frame: RgbImage = {
      width: golden.dims[1]!,
      height: golden.dims[0]!,
      channels: 3,
      data: golden.data as Uint8Array,
    };
    const pasted = pasteBack(frame, image, mask);
    rows.push(
      ...compareLevels(module, `pasted${index}`, pasted.data, await readGolden(stage, file), tolerance),
    );
  }
  return rows;
}
