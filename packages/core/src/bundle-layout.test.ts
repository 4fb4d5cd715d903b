import { describe, expect, it } from 'vitest';
import {
  bundleData,
  denoiserComponent,
  livePortraitComponent,
  type MotionModelSizes,
  motionGeneratorData,
  motionModelSizeFields,
  positionalEncodingModes,
} from './bundle-layout.js';
import { InvalidInputError, ManifestError } from './errors.js';
import { checkSessionIo, graphIo } from './graph-io.js';
import { validateManifest } from './manifest.js';
import { createTensor } from './tensor.js';
import { decodeTensorJson, encodeTensorJson } from './tensor-json.js';

describe('bundle layout', () => {
  it('round-trips float32 tensors through JSON exactly', () => {
    const values = Float32Array.from({ length: 70_001 }, (_, i) => Math.fround(Math.sin(i) * 1e-3 + i));
    const json = JSON.parse(JSON.stringify(encodeTensorJson(createTensor('float32', [70_001], values))));
    const back = decodeTensorJson(json, 'x');
    expect(back.dims).toEqual([70_001]);
    expect(back.data).toEqual(values);
  });

  it('names a malformed tensor', () => {
    expect(() => decodeTensorJson({ dtype: 'float64' }, 'data.x')).toThrow(ManifestError);
    expect(() => decodeTensorJson({ dtype: 'float32', dims: [3], base64: btoa('abcd') }, 'data.x')).toThrow(
      /do not fill/,
    );
  });

  it('names animal components and reads data sections', () => {
    expect(livePortraitComponent('warpingModule', 'human')).toBe('warping_module');
    expect(livePortraitComponent('warpingModule', 'animal')).toBe('animal_warping_module');
    expect(positionalEncodingModes.map(denoiserComponent)).toEqual(['denoiser', 'denoiser_pe_fixed']);
    const manifest = validateManifest({
      manifestVersion: 1,
      name: 'b',
      version: '1',
      provenance: 'fixture',
      components: {},
      data: { audioEncoder: { id: 'x' } },
    });
    expect(bundleData<{ id: string }>(manifest, 'audioEncoder').id).toBe('x');
    expect(() => bundleData(manifest, 'motionGenerator')).toThrow(/has no motionGenerator section/);
  });

  it('accepts a session with every name of its graph, debug outputs included, and names what a wrong one lacks', () => {
    const denoiser = {
      inputNames: ['x_t', 'audio_feat', 'prev_motion', 'prev_audio', 'step'],
      outputNames: ['x0', 'debug'],
    };
    const check = { graph: 'the denoiser graph', fix: 'load the denoiser component' };
    expect(() => checkSessionIo(denoiser, graphIo.denoiser, check)).not.toThrow();
    const other = { inputNames: ['x_t'], outputNames: ['x0'] };
    let thrown: unknown;
    try {
      checkSessionIo(other, graphIo.denoiser, { ...check, input: 'options.session' });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidInputError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidInputError).input).toBe('options.session');
    expect((thrown as Error).message).toMatch(
      /has inputs \[x_t\] .* takes `x_t`, `audio_feat`, `prev_motion`, `prev_audio`, `step` and returns `x0`: load the denoiser/,
    );
    expect(() => checkSessionIo(denoiser, graphIo.audioEncoder, check)).toThrow(/returns `features`/);
  });

  it('reads the motion sizes of a bundle, and names a field an older bundle lacks', () => {
    // A tiny model's sizes: every field whole and positive, the pad mode one of the two.
    const sizes: MotionModelSizes = {
      ...Object.fromEntries(motionModelSizeFields.map((field, i) => [field, 2 + i])),
      padMode: 'replicate',
      audioModel: 'tiny',
    } as MotionModelSizes;
    const manifestWith = (config: object) =>
      validateManifest({
        manifestVersion: 1,
        name: 'b',
        version: '1',
        provenance: 'fixture',
        components: {},
        data: { motionGenerator: { config, startFeatures: {}, template: {} } },
      });
    expect(motionGeneratorData(manifestWith(sizes)).config).toEqual(sizes);
    const { modelDim, ...older } = sizes;
    expect(() => motionGeneratorData(manifestWith({ ...older, featureDim: modelDim }))).toThrow(
      /data\.motionGenerator\.config\.modelDim: expected a whole number/,
    );
    expect(() => motionGeneratorData(manifestWith({ ...sizes, padMode: 'reflect' }))).toThrow(ManifestError);
  });
});
