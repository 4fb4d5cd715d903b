import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import {
  checkSessionNames,
  checkSessionSpecs,
  componentFile,
  componentVariants,
  validateManifest,
} from './manifest.js';
import { sampleManifest } from './testing/sample-manifest.js';

const manifest = sampleManifest;

function errorOf(value: unknown): ManifestError {
  try {
    validateManifest(value);
  } catch (error) {
    if (ManifestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('validateManifest', () => {
  it('accepts a well-formed manifest and keeps device overrides', () => {
    const valid = validateManifest(manifest());
    const component = valid.components.warping_module!;
    expect(componentFile(component, 'cpu').path).toBe('warping.onnx');
    expect(componentFile(component, 'webgpu').path).toBe('warping.gather.onnx');
    expect(component.outputs.out!.dims).toEqual(['batch', 256, null, 64]);
  });

  it('names the offending field', () => {
    expect(errorOf(manifest({ manifestVersion: 2 })).path).toBe('manifestVersion');
    expect(errorOf(manifest({ provenance: 'made-up' })).path).toBe('provenance');
    expect(errorOf({ ...manifest(), components: 3 }).path).toBe('components');
    const badSha = manifest();
    (badSha.components.warping_module.file as { sha256: string }).sha256 = 'xyz';
    expect(errorOf(badSha).path).toBe('components.warping_module.file.sha256');
    const escaping = manifest();
    (escaping.components.warping_module.file as { path: string }).path = '../../etc/passwd';
    expect(errorOf(escaping).message).toMatch(/relative path inside the bundle/);
    const badDim = manifest();
    (badDim.components.warping_module.inputs.feature_3d as { dims: unknown[] }).dims = [1, -3];
    expect(errorOf(badDim).path).toBe('components.warping_module.inputs.feature_3d.dims[1]');
    const badDevice = manifest();
    (badDevice.components.warping_module as { devices: unknown }).devices = { tpu: {} };
    expect(errorOf(badDevice).path).toBe('components.warping_module.devices.tpu');
  });
});

describe('component variants', () => {
  const sha = 'b'.repeat(64);
  /** The sample manifest with a variant and a dtype on W; its W as a loose record for the bad cases. */
  const withVariants = () => {
    const value = manifest();
    Object.assign(value.components.warping_module, {
      variants: { 'padded-folded': { file: { path: 'warping.padded-folded.onnx', sha256: sha, bytes: 11 } } },
      dtype: 'fp16',
    });
    return value as typeof value & { components: { warping_module: Record<string, unknown> } };
  };

  it('lists the official form first, and only it where the device has a file of its own', () => {
    const component = validateManifest(withVariants()).components.warping_module!;
    expect(component.dtype).toBe('fp16');
    expect(componentVariants(component, 'cuda')).toEqual(['official', 'padded-folded']);
    expect(componentFile(component, 'cuda', 'padded-folded').path).toBe('warping.padded-folded.onnx');
    expect(componentFile(component, 'cuda', 'official').path).toBe('warping.onnx');
    expect(componentVariants(component, 'webgpu')).toEqual(['official']);
    expect(() => componentFile(component, 'webgpu', 'padded-folded', 'warping_module')).toThrow(
      /components\.warping_module\.variants\.padded-folded: no such form on webgpu \(it has official\)/,
    );
  });

  it('rejects a variant named official, a bad name, a bad file and an unknown dtype', () => {
    const named = (name: string) => {
      const value = withVariants();
      value.components.warping_module.variants = {
        [name]: { file: { path: 'w.onnx', sha256: sha, bytes: 1 } },
      };
      return errorOf(value).path;
    };
    expect(named('official')).toBe('components.warping_module.variants.official');
    expect(named('a b')).toBe('components.warping_module.variants.a b');
    const badFile = withVariants();
    badFile.components.warping_module.variants = { x: { file: { path: 'w' } } };
    expect(errorOf(badFile).path).toBe('components.warping_module.variants.x.file.sha256');
    const badDtype = withVariants();
    badDtype.components.warping_module.dtype = 'int8';
    expect(errorOf(badDtype).path).toBe('components.warping_module.dtype');
  });
});

describe('checkSessionNames', () => {
  const component = validateManifest(manifest()).components.warping_module!;
  it('passes a session with the declared names', () => {
    expect(() =>
      checkSessionNames('w', component, { inputNames: ['feature_3d'], outputNames: ['out'] }),
    ).not.toThrow();
  });
  it('explains a mismatch', () => {
    expect(() => checkSessionNames('w', component, { inputNames: ['x'], outputNames: ['out'] })).toThrow(
      /the model has inputs \[x\], the manifest declares \[feature_3d\]/,
    );
  });
});

describe('checkSessionSpecs', () => {
  const component = validateManifest(manifest()).components.warping_module!;
  const out = { type: 'float32', dims: ['n', 256, 64, 64] } as const;
  const check = (feature3d: { type: 'float32' | 'float16'; dims: (number | string | null)[] }) => () =>
    checkSessionSpecs('w', component, { inputSpecs: { feature_3d: feature3d }, outputSpecs: { out } });

  it('passes what agrees on every axis fixed on both sides, and sessions that report nothing', () => {
    expect(check({ type: 'float32', dims: [1, 32, null, 'h', 64] })).not.toThrow();
    expect(check({ type: 'float32', dims: [] })).not.toThrow();
    expect(() => checkSessionSpecs('w', component, {})).not.toThrow();
  });

  it.each([
    [[1, 3, 128, 128], 'dims [1, 3, 128, 128], the manifest declares [1, 32, 16, 64, 64]'],
    [[7, 7, 7, 7, 7], 'dims [7, 7, 7, 7, 7], the manifest declares [1, 32, 16, 64, 64]'],
    [[1, 32, 16, 64, 65], 'dims [1, 32, 16, 64, 65]'],
  ])('refuses a model whose dims are %j', (dims, message) => {
    expect(check({ type: 'float32', dims })).toThrow(message);
    expect(check({ type: 'float32', dims })).toThrow(/components\.w\.inputs\.feature_3d/);
  });

  it('refuses another element type', () => {
    expect(check({ type: 'float16', dims: [1, 32, 16, 64, 64] })).toThrow(
      'the model has type float16, the manifest declares float32',
    );
  });
});

describe('absurd dims', () => {
  it('are refused when the manifest is read', () => {
    const huge = manifest();
    huge.components.warping_module.inputs.feature_3d.dims = [1, 1e12];
    expect(errorOf(huge).message).toContain(
      'dims[1]: 1000000000000 exceeds the largest dimension a bundle may declare (16777216)',
    );
  });
});
