import { readImage } from '@joyvasa/liveportrait/node';
import { readMotionTemplateStats } from '@joyvasa/model-builder/checkpoint';
import { motionTemplateFromStats } from '@joyvasa/motion-diffusion';
import type { GoldenCase, GoldenComparison, GoldenContext } from '../golden-case.js';
import { failedRow } from './pipeline-compare.js';
import { endToEndStage } from './pipeline-end-to-end.js';
import {
  manifestPositionalEncoding,
  type PipelineManifest,
  pipelinePath,
  readPipelineManifest,
} from './pipeline-manifest.js';
import { buildPipelineNetworks, type PipelineNetworks } from './pipeline-networks.js';
import {
  cropStage,
  lipStage,
  type PipelineInputs,
  type StageContext,
  sourceStage,
} from './pipeline-stages.js';
import { drivingStage, keypointStage, motionStage } from './pipeline-stages-motion.js';
import { frameStage, pastedStage } from './pipeline-stages-render.js';

/** The stages in the order the official `execute` runs them, each compared from the golden's own inputs. */
const stages: readonly [string, (stage: StageContext) => Promise<GoldenComparison[]>][] = [
  ['crop', cropStage],
  ['source', sourceStage],
  ['lip', lipStage],
  ['motion', motionStage],
  ['driving', drivingStage],
  ['keypoints', keypointStage],
  ['frames', frameStage],
  ['pasted', pastedStage],
  ['end-to-end', endToEndStage],
];

/** `motion_template.pkl` through the project's pickle reader, into the sampler's template. */
export function templateFromPickle(bytes: Uint8Array, name: string) {
  return motionTemplateFromStats(readMotionTemplateStats(bytes, name).stats);
}

async function readInputs(context: GoldenContext, manifest: PipelineManifest): Promise<PipelineInputs> {
  const { inputs } = manifest;
  const array = async (file: string) => (await context.readArray(pipelinePath(file))).data as Float32Array;
  return {
    image: await readImage(await context.readBytes(pipelinePath(inputs.source))),
    landmarks106: await array(inputs.lmk106),
    landmarks203: await array(inputs.lmk203),
    pcm: await array(inputs.audio),
    template: templateFromPickle(
      await context.readBytes(pipelinePath(inputs.motion_template)),
      inputs.motion_template,
    ),
  };
}

interface PipelineRun {
  readonly manifest: PipelineManifest;
  readonly inputs: PipelineInputs;
  readonly networks: PipelineNetworks;
}

// One run of `pnpm golden` has one context: the stages share its inputs and built networks.
const runs = new WeakMap<GoldenContext, Promise<PipelineRun | null>>();

function pipelineRun(context: GoldenContext): Promise<PipelineRun | null> {
  let run = runs.get(context);
  if (!run) {
    run = (async () => {
      const manifest = await readPipelineManifest(context);
      if (!manifest) return null;
      const inputs = await readInputs(context, manifest);
      const networks = await buildPipelineNetworks(context, manifestPositionalEncoding(manifest));
      return { manifest, inputs, networks };
    })();
    runs.set(context, run);
  }
  return run;
}

/**
 * One stage of the whole official pipeline (`pipeline/`, when the seed folder has it): for every variant
 * of the manifest, the rows `pipeline.<variant>.<stage>`, the stage fed the golden's own inputs. A stage
 * that throws fails its own rows only.
 */
function stageCase(name: string, run: (stage: StageContext) => Promise<GoldenComparison[]>): GoldenCase {
  return {
    manifestPath: pipelinePath('manifest.json'),
    modules: [`pipeline.${name}`],
    async check(context) {
      const shared = await pipelineRun(context);
      if (!shared) return [];
      const rows: GoldenComparison[] = [];
      for (const [variantName, variant] of Object.entries(shared.manifest.variants)) {
        const stage: StageContext = {
          context,
          prefix: `pipeline.${variantName}.`,
          variant,
          inputs: shared.inputs,
          networks: shared.networks,
        };
        try {
          rows.push(...(await run(stage)));
        } catch (error) {
          rows.push(failedRow(`${stage.prefix}${name}`, '*', error));
        }
      }
      return rows;
    },
  };
}

/** The pipeline golden cases, stage by stage in the order the official `execute` runs them. */
export const pipelineCases: readonly GoldenCase[] = stages.map(([name, run]) => stageCase(name, run));
