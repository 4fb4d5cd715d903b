import {
  type BackendV1,
  componentFile,
  componentVariants,
  createTensor,
  type Device,
  type EventListener,
  type Float32Tensor,
  type GraphIo,
  graphIo,
  type ModelBundle,
  type ModelComponent,
  type OpenBundleSession,
  type SessionV1,
} from '@joyvasa/core';
import type { GpuIdentity } from '../node/read-gpu-identity.js';
import {
  chooseFastestVariant,
  type VariantCandidate,
  type VariantChoiceCache,
  type VariantTimingKey,
} from './choose-fastest-variant.js';

/**
 * How a head picks among a render graph's equivalent forms (the manifest's `variants`, issue 21): on a GPU
 * each form is timed once at the render batch and the winner remembered; elsewhere the official form opens.
 */
export interface RendererChoiceOptions {
  /** Frames per render call (the run's `renderBatch`; the last batch is padded to it): the timed batch. */
  readonly batch: number;
  /** Where winners are remembered: `createFileVariantChoiceCache()` in Node, memory in browsers. */
  readonly cache: VariantChoiceCache;
  /** The GPU models and driver the choice holds for (Node: `readNvidiaGpuIdentity`); unknown if absent. */
  readonly gpu?: () => Promise<GpuIdentity | undefined>;
  /** Devices on which forms are timed. Default `['cuda', 'webgpu']`; a test may add `cpu`. */
  readonly devices?: readonly Device[];
  /** Untimed and timed runs per form (`chooseFastestVariant`'s `warmups`, `runs`); its defaults. */
  readonly warmups?: number;
  readonly runs?: number;
}

/** The devices whose forms are timed unless {@link RendererChoiceOptions.devices} says otherwise. */
export const timedRendererDevices: readonly Device[] = ['cuda', 'webgpu'];

/** A value in [-1, 1) from an index and a salt (a fixed, portable sequence: the forms see the same feeds). */
function wave(index: number, salt: number): number {
  const x = Math.sin(index * 12.9898 + salt * 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/**
 * Feeds for timing a render graph at `batch`: every free axis is `batch` (the source volume's first axis is
 * fixed at 1), values spread over [-1, 1) (keypoints over [-0.5, 0.5), where real keypoints lie). Undefined
 * when an input is not float32 (no render graph has one).
 */
export function rendererTimingFeeds(
  component: ModelComponent,
  batch: number,
): Record<string, Float32Tensor> | undefined {
  const feeds: Record<string, Float32Tensor> = {};
  for (const [salt, [name, spec]] of Object.entries(component.inputs).entries()) {
    if (spec.type !== 'float32') return undefined;
    const dims = spec.dims.map((dim) => (typeof dim === 'number' ? dim : batch));
    const size = name.startsWith('kp_') ? 0.5 : 1;
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = size * wave(i, salt + 1);
    feeds[name] = createTensor('float32', dims, data);
  }
  return feeds;
}

/** The output compared between forms: the image of W+G and of G, W's warped features. */
function comparedOutput(component: ModelComponent): string {
  const image = graphIo.renderer.outputs.image;
  return image in component.outputs ? image : graphIo.warpingModule.outputs.warped;
}

/** What a remembered choice holds for: the GPU, driver, runtime, precision, batch and the forms' files. */
async function timingKey(
  name: string,
  component: ModelComponent,
  backend: BackendV1,
  device: Device,
  choice: RendererChoiceOptions,
): Promise<VariantTimingKey> {
  const gpu = await choice.gpu?.();
  return {
    component: name,
    device: gpu?.models.join(', ') || device,
    driver: gpu?.driver ?? 'unknown',
    runtime: `${backend.runtime ?? backend.name} ${device}`,
    precision: component.dtype ?? 'fp32',
    batch: choice.batch,
    candidates: componentVariants(component, device)
      .map((variant) => componentFile(component, device, variant).sha256)
      .join(','),
  };
}

/** Where {@link openRendererForm} opens a graph, and how it may choose its form. */
export interface RendererFormOptions {
  /** The device the bundle's sessions run on. */
  readonly device: Device;
  /** Without it the official form opens. */
  readonly choice?: RendererChoiceOptions | undefined;
  /** Receives `variant-chosen`. */
  readonly onEvent?: EventListener | undefined;
}

/**
 * Opens a render graph of the bundle (`renderer`, `warping_module`, `spade_generator`) through `open` (the
 * loader's session opener): with a `choice` and more than one form on a timed device, the fastest form
 * that agrees with the official one (`chooseFastestVariant`: timed at the choice's batch once, then
 * remembered), reported as a `variant-chosen` event; otherwise the official form (or the device's own
 * file), as before.
 */
export async function openRendererForm(
  bundle: Pick<ModelBundle, 'manifest'>,
  backend: BackendV1,
  name: string,
  io: GraphIo,
  open: OpenBundleSession,
  options: RendererFormOptions,
): Promise<SessionV1> {
  const { device, choice } = options;
  const component = bundle.manifest.components[name];
  const forms = component ? componentVariants(component, device) : [];
  const timed = choice && forms.length > 1 && (choice.devices ?? timedRendererDevices).includes(device);
  const feeds = timed && component ? rendererTimingFeeds(component, choice.batch) : undefined;
  if (!component || !choice || !feeds) return open(name, io);
  const output = comparedOutput(component);
  const candidates: VariantCandidate<SessionV1>[] = forms.map((variant) => ({
    id: variant,
    open: () => open(name, io, variant),
    run: async (session) => (await session.run(feeds, { outputs: [output] }))[output]!,
    close: (session) => session.dispose(),
  }));
  const chosen = await chooseFastestVariant({
    candidates,
    key: await timingKey(name, component, backend, device, choice),
    cache: choice.cache,
    ...(choice.warmups !== undefined ? { warmups: choice.warmups } : {}),
    ...(choice.runs !== undefined ? { runs: choice.runs } : {}),
  });
  options.onEvent?.({
    type: 'variant-chosen',
    component: name,
    variant: chosen.id,
    source: chosen.source,
    batch: choice.batch,
    timings: chosen.timings,
  });
  return chosen.handle;
}
