import {
  type BackendV1,
  bundleComponents,
  type DeviceRequest,
  type EventListener,
  type FaceLocatorV1,
  graphIo,
  livePortraitComponent,
  type ModelBundle,
  type OpenBundleSession,
  openBundleSessions,
  type RendererV1,
  type SessionV1,
} from '@joyvasa/core';
import type { FaceSessions } from '../detection/detect-face.js';
import { createMediaPipeFaceLocator } from '../locators/mediapipe-face-locator.js';
import { createNanoDetAnimalLocator } from '../locators/nanodet-animal-locator.js';
import type { AnimationMode } from '../motion/combine-motion.js';
import { createMlpRunner, type MlpRunner } from '../motion/mlp-runner.js';
import type { PasteBackGraph } from '../paste-back/paste-back-session.js';
import { createLivePortraitRenderer, type LivePortraitRenderSessions } from './live-portrait-renderer.js';
import { openRendererForm, type RendererChoiceOptions } from './open-renderer-form.js';

/** The LivePortrait models of one mode, loaded from a bundle. */
export interface LivePortraitModels {
  readonly mode: AnimationMode;
  /** F: `img` → `feature_3d`. */
  readonly appearance: SessionV1;
  /** M: `img` → head pose bins, t, exp, scale, kp. */
  readonly motion: SessionV1;
  /**
   * The bundle's renderer (W+G as one graph where the bundle has it and the device takes it, else W then G;
   * a `LivePortraitRenderer`), or the caller's own.
   */
  readonly renderer: RendererV1;
  readonly stitching: MlpRunner;
  readonly lip: MlpRunner;
  /** The face detector and landmark models, when the bundle has them. */
  readonly face?: FaceSessions;
  /**
   * The licence-clean locator (MediaPipe BlazeFace + FaceMesh), loaded when the bundle has its models and
   * no InsightFace files: the default way to find the face then.
   */
  readonly faceLocator?: FaceLocatorV1;
  /** The NanoDet cat and dog locator, loaded in animal mode when the bundle has it (X-Pose is not used). */
  readonly animalLocator?: FaceLocatorV1;
  /**
   * The bundle's paste-back graph, loaded when the models run on a GPU (there the host's per-pixel work
   * would cap the frame rate) or when {@link LoadLivePortraitOptions.pasteBack} asks for it; otherwise
   * paste-back runs in TypeScript.
   */
  readonly pasteBack?: PasteBackGraph;
  dispose(): Promise<void>;
}

/** Options of {@link loadLivePortrait}. */
export interface LoadLivePortraitOptions {
  readonly mode?: AnimationMode;
  readonly device?: DeviceRequest;
  /** Used instead of the bundle's warping module and generator. */
  readonly renderer?: RendererV1;
  /**
   * On a GPU, open the fastest of the render graphs' equivalent forms (the manifest's `variants`), timed
   * at this batch once and remembered. Without it, or with one form, the official form opens. On CUDA its
   * `batch` also fixes the render graphs' batch axis (`SessionOptions.fixedAxes`), and the renderer pads
   * every call to that batch (`LivePortraitRendererOptions.batch`).
   */
  readonly rendererChoice?: RendererChoiceOptions;
  /**
   * Which render graphs open: `'auto'` (default) W+G as one graph where the bundle has it and the device
   * runs it (not WebGPU), else W then G; `'split'` W then G always, which on CUDA with
   * `@joyvasa/backend-onnx-capi` hands W's output to G on the device and lets each graph have its own
   * provider options (`sessions` by name: W in NCHW, G in NHWC).
   */
  readonly renderGraphs?: RenderGraphs;
  /** Model-file, fallback and notice events, and `variant-chosen` when a render graph's form was chosen. */
  readonly onEvent?: EventListener;
  /**
   * Where frames are pasted back into the original: `'auto'` (default) by the bundle's graph on GPUs and in
   * TypeScript on the CPU; `'graph'` by the graph wherever the bundle has it (on the CPU it moves the
   * per-pixel work off the calling thread, into the runtime's threads).
   */
  readonly pasteBack?: 'auto' | 'graph';
}

/** Which render graphs {@link loadLivePortrait} opens (see {@link LoadLivePortraitOptions.renderGraphs}). */
export type RenderGraphs = 'auto' | 'split';

/** Whether a component's input has a free first axis (bundles before batching declare 1 there). */
function takesBatch(bundle: ModelBundle, component: string, input: string): boolean {
  const dims = bundle.manifest.components[component]?.inputs[input]?.dims;
  return dims !== undefined && typeof dims[0] !== 'number';
}

/** The name of a component's batch axis: the free first axis its manifest names (`batch` here), if any. */
function batchAxis(bundle: ModelBundle, component: string): string | undefined {
  const inputs = Object.values(bundle.manifest.components[component]?.inputs ?? {});
  const axis = inputs.map((spec) => spec.dims[0]).find((dim) => typeof dim === 'string');
  return typeof axis === 'string' ? axis : undefined;
}

/** `fixedAxes` fixing a render graph's batch axis at `batch`; none without a batch or such an axis. */
function fixedBatchOptions(bundle: ModelBundle, component: string, batch: number | undefined) {
  const axis = batchAxis(bundle, component);
  return batch !== undefined && axis !== undefined ? { fixedAxes: { [axis]: batch } } : {};
}

/**
 * W+G as one graph when the bundle has it (bundles written before it do not) and the device runs the
 * native graphs; WebGPU, which needs W's Gather variant, keeps W and G apart.
 */
async function openRenderSessions(
  bundle: ModelBundle,
  mode: AnimationMode,
  appearance: SessionV1,
  open: OpenBundleSession,
  graphs: RenderGraphs,
): Promise<LivePortraitRenderSessions> {
  const fused = livePortraitComponent('renderer', mode);
  if (graphs === 'auto' && bundle.has(fused) && appearance.device !== 'webgpu') {
    return { fused: await open(fused, graphIo.renderer) };
  }
  return {
    warping: await open(livePortraitComponent('warpingModule', mode), graphIo.warpingModule),
    generator: await open(livePortraitComponent('spadeGenerator', mode), graphIo.spadeGenerator),
  };
}

/** The face models of the bundle for a mode, and the notices saying which locator finds the face. */
async function openFaceModels(
  bundle: ModelBundle,
  mode: AnimationMode,
  open: OpenBundleSession,
  onEvent: EventListener | undefined,
): Promise<Pick<LivePortraitModels, 'face' | 'faceLocator' | 'animalLocator'>> {
  const has = (component: string) => bundle.has(component);
  const face = has(bundleComponents.faceDetector)
    ? {
        detector: await open(bundleComponents.faceDetector, graphIo.faceDetector),
        landmark106: await open(bundleComponents.faceLandmarks106, graphIo.faceLandmarks106),
        ...(has(bundleComponents.faceLandmarks203)
          ? { landmark203: await open(bundleComponents.faceLandmarks203, graphIo.faceLandmarks203) }
          : {}),
      }
    : undefined;
  // One place decides: InsightFace when the bundle has it, else the licence-clean locator if present.
  const faceLocator =
    mode === 'human' && !face && has(bundleComponents.mediapipeFaceDetector)
      ? createMediaPipeFaceLocator({
          detector: await open(bundleComponents.mediapipeFaceDetector, graphIo.mediapipeFaceDetector),
          mesh: await open(bundleComponents.mediapipeFaceMesh, graphIo.mediapipeFaceMesh),
        })
      : undefined;
  const animalLocator =
    mode === 'animal' && has(bundleComponents.nanodetDetector)
      ? createNanoDetAnimalLocator(await open(bundleComponents.nanodetDetector, graphIo.nanodetDetector))
      : undefined;
  if (faceLocator) {
    onEvent?.({
      type: 'notice',
      code: 'default-face-locator',
      message:
        'the bundle has no InsightFace files: faces are found by the licence-clean MediaPipe locator (BlazeFace + FaceMesh, Apache-2.0)',
    });
  }
  if (animalLocator) {
    onEvent?.({
      type: 'notice',
      code: 'default-animal-locator',
      message:
        'cats and dogs are found by NanoDet (Apache-2.0) and cropped by their box, not by X-Pose keypoints',
    });
  }
  return {
    ...(face ? { face } : {}),
    ...(faceLocator ? { faceLocator } : {}),
    ...(animalLocator ? { animalLocator } : {}),
  };
}

/**
 * Creates the sessions of LivePortrait from a bundle: F, M, W and G of the mode (the animal weights in
 * animal mode), the stitching and lip MLPs (shared by both modes, as JoyVASA does), and the face models.
 * Each session is checked against its graph's names; when one fails, those already opened are disposed.
 */
export async function loadLivePortrait(
  bundle: ModelBundle,
  backend: BackendV1,
  options: LoadLivePortraitOptions = {},
): Promise<LivePortraitModels> {
  const mode = options.mode ?? 'human';
  const sessionOptions = { device: options.device ?? 'auto', onEvent: options.onEvent };
  const network = (name: 'appearanceFeatureExtractor' | 'motionExtractor') =>
    [livePortraitComponent(name, mode), graphIo[name]] as const;
  const opened = await openBundleSessions(bundle, backend, sessionOptions, async (open) => {
    const appearance = await open(...network('appearanceFeatureExtractor'));
    const motion = await open(...network('motionExtractor'));
    // On CUDA, with a known render batch, the render graphs open with their batch axis fixed (so the runtime
    // folds its shape arithmetic and CUDA graphs may run), and the renderer pads every call to it.
    // Bundles from before batching declare 1 there: nothing to fix, and the renderer must not pad.
    const batched = batchAxis(bundle, livePortraitComponent('warpingModule', mode)) !== undefined;
    const batch = appearance.device === 'cuda' && batched ? options.rendererChoice?.batch : undefined;
    const openFixed: OpenBundleSession = (component, io, variant) =>
      open(component, io, variant, fixedBatchOptions(bundle, component, batch));
    // The render graphs in their fastest form on a GPU (timed once per GPU, runtime, precision and batch).
    const openRender: OpenBundleSession = (component, io) =>
      openRendererForm(bundle, backend, component, io, openFixed, {
        device: appearance.device,
        choice: options.rendererChoice,
        onEvent: options.onEvent,
      });
    const graphs = options.renderGraphs ?? 'auto';
    const renderer =
      options.renderer ??
      createLivePortraitRenderer(
        await openRenderSessions(bundle, mode, appearance, openRender, graphs),
        batch === undefined ? {} : { batch },
      );
    const stitching = createMlpRunner(await open(bundleComponents.stitching, graphIo.retargeting));
    const lip = createMlpRunner(await open(bundleComponents.retargetLip, graphIo.retargeting));
    const faceModels = await openFaceModels(bundle, mode, open, options.onEvent);
    const onGpu = appearance.device === 'cuda' || appearance.device === 'webgpu';
    const pasteBack =
      (onGpu || options.pasteBack === 'graph') && bundle.has(bundleComponents.pasteBack)
        ? {
            session: await open(bundleComponents.pasteBack, graphIo.pasteBack),
            batched: takesBatch(bundle, bundleComponents.pasteBack, graphIo.pasteBack.inputs.image),
          }
        : undefined;
    return {
      mode,
      appearance,
      motion,
      renderer,
      stitching,
      lip,
      ...faceModels,
      ...(pasteBack ? { pasteBack } : {}),
    };
  });
  return { ...opened.value, dispose: opened.dispose };
}
