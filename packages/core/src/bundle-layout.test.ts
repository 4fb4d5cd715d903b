import { describe, expect, it } from 'vitest';
import { bundleData, decodeTensorJson, encodeTensorJson, livePortraitComponent } from './bundle-layout.js';
import { ManifestError } from './errors.js';
import { validateManifest } from './manifest.js';
import { createTensor } from './tensor.js';

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
});
