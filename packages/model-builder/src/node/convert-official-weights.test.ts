import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import {
  bundleData,
  createTensor,
  type JoyvasaEvent,
  type ModelBundle,
  ModelLoadError,
  type MotionGeneratorData,
  openModelBundle,
  type TensorLike,
  type TensorSpec,
} from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { PickleGlobal, type PickleValue } from '../checkpoint/pickle-value.js';
import { readStateDict } from '../checkpoint/read-state-dict.js';
import { readTorchCheckpoint } from '../checkpoint/torch-checkpoint.js';
import { formulaInput } from '../synthetic/formula.js';
import { writeFormulaCheckpoints } from '../synthetic/node/write-formula-checkpoints.js';
import {
  type PickleWritable,
  pickleOrderedDict,
  pickleReduce,
  writePickle,
} from '../synthetic/pickle-writer.js';
import {
  fixtureLivePortraitSizes,
  planSyntheticBundle,
  syntheticMotionTemplate,
} from '../synthetic/synthetic-bundle.js';
import { writeTorchCheckpoint } from '../synthetic/torch-zip-writer.js';
import { convertOfficialWeights } from './convert-official-weights.js';
import { writeBundle } from './write-bundle.js';

const motionFile = 'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt';
const warpingFile = 'liveportrait/base_models/warping_module.pth';
let root: string;
let official: string;
let synthetic: string;
let variants = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-convert-'));
  official = join(root, 'pretrained_weights');
  synthetic = join(root, 'synthetic');
  await writeFormulaCheckpoints(official, { sizes: 'fixture' });
  await writeBundle(synthetic, planSyntheticBundle('fixture'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The fixture conversion: fixture LivePortrait sizes, and the fixture denoiser's 4 heads. */
function convert(from: string, onEvent?: (event: JoyvasaEvent) => void) {
  return convertOfficialWeights({
    from,
    to: `${from}-bundle`,
    livePortraitSizes: fixtureLivePortraitSizes,
    denoiserHeads: 4,
    // Compared with the fixture bundle, which has the stand-in detectors instead of the locators.
    locators: false,
    ...(onEvent ? { onEvent } : {}),
  });
}

/** A copy of the formula checkpoints, edited. */
async function variant(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, `variant-${++variants}`);
  await cp(official, dir, { recursive: true });
  await edit(dir);
  return dir;
}

async function editStateDict(file: string, edit: (stateDict: Map<string, TensorLike>) => void) {
  const stateDict = await readStateDict(new Uint8Array(await readFile(file)), file);
  edit(stateDict);
  await writeFile(file, writeTorchCheckpoint(pickleOrderedDict(stateDict)));
}

async function editMotionModel(file: string, edit: (model: Map<PickleValue, PickleValue>) => void) {
  const tree = (await readTorchCheckpoint(new Uint8Array(await readFile(file)), file)).value as Map<
    PickleValue,
    PickleValue
  >;
  edit(tree.get('model') as Map<PickleValue, PickleValue>);
  await writeFile(file, writeTorchCheckpoint(tree as PickleWritable));
}

const zeros = (dims: number[]) =>
  createTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

/** Inputs for a component from its manifest specs: free dims get workable sizes, values come from the formula. */
function feedsFor(inputs: Readonly<Record<string, TensorSpec>>): Record<string, TensorLike> {
  const named: Record<string, number> = { batch: 2, samples: 1280, frames: 3, height: 512, width: 512 };
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => {
      const dims = spec.dims.map((dim) => (typeof dim === 'number' ? dim : (named[dim ?? ''] ?? 1)));
      const size = dims.reduce((a, b) => a * b, 1);
      if (spec.type === 'int64') return [name, createTensor('int64', dims, new BigInt64Array(size).fill(7n))];
      if (spec.type === 'uint8') {
        return [
          name,
          createTensor(
            'uint8',
            dims,
            Uint8Array.from({ length: size }, (_, i) => (i * 37) & 255),
          ),
        ];
      }
      return [name, formulaInput('convert-test', name, dims, -0.5, 0.5)];
    }),
  );
}

async function runComponent(bundle: ModelBundle, component: string) {
  const session = await bundle.createSession(createOnnxNodeBackend(), component, { device: 'cpu' });
  try {
    return await session.run(feedsFor(bundle.manifest.components[component]!.inputs));
  } finally {
    await session.dispose();
  }
}

describe('convertOfficialWeights', () => {
  it('turns formula checkpoints in the official layout into the synthetic fixture bundle', async () => {
    const events: JoyvasaEvent[] = [];
    const report = await convert(official, (event) => events.push(event));
    const expected = JSON.parse(await readFile(join(synthetic, 'manifest.json'), 'utf8'));
    expect(Object.keys(report.manifest.components)).toEqual(Object.keys(expected.components));
    for (const [name, component] of Object.entries(report.manifest.components)) {
      // Same weights and same graph: the very same file.
      expect(component.file.sha256, name).toBe(expected.components[name].file.sha256);
    }
    expect(report.manifest.provenance).toBe('converted');
    expect(report.inputs).toHaveLength(15);
    expect(report.missingOptional).toEqual([]);
    expect(report.unexpectedKeys).toEqual({});
    expect(report.args).toMatchObject({ feature_dim: 32, n_diff_steps: 50, audio_model: 'hubert_zh_ori' });
    expect(report.motionGenerator.layers).toBe(2);
    const template = bundleData<MotionGeneratorData>(report.manifest, 'motionGenerator').template;
    for (const [key, values] of Object.entries(syntheticMotionTemplate())) {
      expect(template[key]).toEqual(values.map(Math.fround));
    }
    const written = events.filter((e) => e.type === 'progress').map((e) => (e as { stage: string }).stage);
    expect(written).toEqual(Object.keys(expected.components).map((name) => `bundle:${name}`));
    expect(events.some((e) => e.type === 'model-file' && e.file === motionFile && e.status === 'end')).toBe(
      true,
    );
  });

  it('writes a bundle whose every component runs, with the outputs of the synthetic bundle', async () => {
    const from = await variant(async () => {});
    await convert(from);
    const converted = await openModelBundle(createDirectorySource(`${from}-bundle`));
    const reference = await openModelBundle(createDirectorySource(synthetic));
    const compared = new Set(['denoiser', 'audio_encoder', 'spade_generator', 'retarget_eye']);
    for (const component of Object.keys(converted.manifest.components)) {
      const outputs = await runComponent(converted, component);
      for (const [name, tensor] of Object.entries(outputs)) {
        const values = Array.from(tensor.data as ArrayLike<number>, Number);
        expect(values.every(Number.isFinite), `${component}.${name}`).toBe(true);
      }
      if (!compared.has(component)) continue;
      const expected = await runComponent(reference, component);
      for (const [name, tensor] of Object.entries(expected)) {
        expect(outputs[name]!.dims).toEqual(tensor.dims);
        expect(outputs[name]!.data, `${component}.${name}`).toEqual(tensor.data);
      }
    }
  });

  it('adds the licence-clean locators, hashed like every component and with their licences', async () => {
    const from = await variant(async () => {});
    const { manifest } = await convertOfficialWeights({
      from,
      to: `${from}-bundle`,
      livePortraitSizes: fixtureLivePortraitSizes,
      denoiserHeads: 4,
      locators: true,
    });
    const bundle = await openModelBundle(createDirectorySource(`${from}-bundle`));
    for (const name of ['mediapipe_face_detector', 'mediapipe_face_mesh', 'nanodet_detector']) {
      expect(manifest.components[name]!.file.sha256, name).toMatch(/^[0-9a-f]{64}$/);
      expect((manifest.data.locators as Record<string, { licence: string }>)[name]!.licence).toBe(
        'Apache-2.0',
      );
      // Opening the session checks the file's sha256 and its inputs and outputs against the manifest.
      await (await bundle.createSession(createOnnxNodeBackend(), name, { device: 'cpu' })).dispose();
    }
  });

  it('reports every missing required file in one error, pointing at joyvasa fetch', async () => {
    const missing = [
      'liveportrait/base_models/spade_generator.pth',
      motionFile,
      'JoyVASA/motion_template/motion_template.pkl',
    ];
    const from = await variant(async (dir) => {
      for (const file of missing) await rm(join(dir, file));
    });
    const error = await convert(from).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/3 required files are missing/);
    for (const file of missing) expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('joyvasa fetch');
  });

  it('refuses a motion-generator folder with two checkpoints', async () => {
    const from = await variant((dir) =>
      cp(join(dir, motionFile), join(dir, 'JoyVASA/motion_generator/iter_0020000.pt')),
    );
    await expect(convert(from)).rejects.toThrow(/iter_0020000\.pt, motion_generator_hubert_chinese\.pt/);
  });

  it('names every missing or mis-shaped key of a LivePortrait file, ignoring BatchNorm counters', async () => {
    const file = 'liveportrait/base_models/appearance_feature_extractor.pth';
    const from = await variant((dir) =>
      editStateDict(join(dir, file), (stateDict) => {
        stateDict.delete('second.bias');
        stateDict.delete('first.norm.num_batches_tracked');
        stateDict.set('first.conv.weight', zeros([8, 3, 5, 5]));
      }),
    );
    const error = await convert(from).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).source).toBe(file);
    expect((error as Error).message).toMatch(/2 weights .* do not match/);
    expect((error as Error).message).toContain('missing second.bias [16]');
    expect((error as Error).message).toContain('first.conv.weight is [8, 3, 5, 5], expected [8, 3, 3, 3]');
    expect((error as Error).message).not.toContain('num_batches_tracked');
  });

  it('names every bad key of the motion generator, across the denoiser, projection and audio encoder', async () => {
    const from = await variant((dir) =>
      editMotionModel(join(dir, motionFile), (model) => {
        model.delete('denoising_net.motion_dec.2.bias');
        model.delete('audio_encoder.encoder.layers.1.final_layer_norm.weight');
        model.set('audio_feature_map.weight', zeros([32, 31]));
      }),
    );
    const error = await convert(from).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    const message = (error as Error).message;
    expect(message).toMatch(/3 weights of the motion generator do not match/);
    expect(message).toContain('missing denoising_net.motion_dec.2.bias');
    expect(message).toContain('missing audio_encoder.encoder.layers.1.final_layer_norm.weight');
    expect(message).toContain('audio_feature_map.weight is [32, 31], expected [32, 32]');
  });

  it('reports keys no graph uses without failing', async () => {
    const from = await variant(async (dir) => {
      await editStateDict(join(dir, warpingFile), (stateDict) => stateDict.set('extra.weight', zeros([2])));
      await editMotionModel(join(dir, motionFile), (model) => model.set('denoising_net.extra', zeros([3])));
    });
    const report = await convert(from);
    expect(report.unexpectedKeys).toEqual({
      [warpingFile]: ['extra.weight'],
      [motionFile]: ['denoising_net.extra'],
    });
  });

  it('refuses pickles that call os.system, in a checkpoint and in the template', async () => {
    const system = pickleReduce(new PickleGlobal('posix', 'system'), ['touch /tmp/joyvasa-pwned']);
    const stitching = 'liveportrait/retargeting_models/stitching_retargeting_module.pth';
    const fromCheckpoint = await variant((dir) =>
      writeFile(join(dir, stitching), writeTorchCheckpoint(new Map([['retarget_shoulder', system]]))),
    );
    const error = await convert(fromCheckpoint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/posix\.system/);
    const fromTemplate = await variant((dir) =>
      writeFile(
        join(dir, 'JoyVASA/motion_template/motion_template.pkl'),
        writePickle(new Map([['mean_exp', system]])),
      ),
    );
    await expect(convert(fromTemplate)).rejects.toSatisfy(
      (e: unknown) => CheckpointError.isInstance(e) && /posix\.system/.test((e as Error).message),
    );
  });

  it('refuses a truncated checkpoint, naming the file', async () => {
    const file = 'liveportrait/base_models/spade_generator.pth';
    const from = await variant(async (dir) => {
      const bytes = await readFile(join(dir, file));
      await writeFile(join(dir, file), bytes.subarray(0, bytes.length >> 1));
    });
    const error = await convert(from).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).source).toBe(file);
  });

  it('lists absent optional parts and says what their absence means', async () => {
    const from = await variant(async (dir) => {
      await rm(join(dir, 'liveportrait_animals'), { recursive: true });
      await rm(join(dir, 'insightface/models/buffalo_l/det_10g.onnx'));
    });
    const report = await convert(from);
    expect(report.missingOptional).toContain('insightface/models/buffalo_l/det_10g.onnx');
    expect(report.missingOptional).toContain('liveportrait_animals/base_models/spade_generator.pth');
    expect(report.notes.join('\n')).toMatch(/must pass a face box/);
    expect(Object.keys(report.manifest.components)).not.toContain('face_detector');
    expect(Object.keys(report.manifest.components)).not.toContain('animal_spade_generator');
  });

  // Used to say 'the config declares 12 layers but the weights hold 2', of a config never read.
  it('says the HuBERT config.json is missing or a folder when the assumed one does not fit', async () => {
    for (const [replace, kind] of [
      [(path: string) => rm(path), /config is missing/],
      [
        async (path: string) => {
          await rm(path);
          await mkdir(path);
        },
        /config is a folder, not a file/,
      ],
    ] as const) {
      const from = await variant(async (dir) => {
        await replace(join(dir, 'chinese-hubert-base/config.json'));
      });
      const error = await convert(from).catch((e: unknown) => e);
      expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(kind);
      expect((error as Error).message).toMatch(/chinese-hubert-base's was assumed, and it does not fit/);
    }
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      convertOfficialWeights({ from: official, to: join(root, 'aborted'), signal: controller.signal }),
    ).rejects.toThrow(/abort/i);
  });
});
