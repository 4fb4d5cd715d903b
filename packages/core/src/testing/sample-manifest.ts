const sha = 'ab'.repeat(32);

/**
 * A small well-formed bundle manifest as JSON data (one component with a device override, fixed, named
 * and free dims), for tests of code that reads or checks manifests; `overrides` replaces top-level fields.
 */
export function sampleManifest(overrides: Record<string, unknown> = {}) {
  return {
    manifestVersion: 1,
    name: 'test',
    version: '1.0.0',
    provenance: 'fixture',
    components: {
      warping_module: {
        file: { path: 'warping.onnx', sha256: sha, bytes: 10 },
        inputs: { feature_3d: { type: 'float32', dims: [1, 32, 16, 64, 64] as (number | string | null)[] } },
        outputs: { out: { type: 'float32', dims: ['batch', 256, null, 64] } },
        devices: { webgpu: { file: { path: 'warping.gather.onnx', sha256: sha, bytes: 12 } } },
      },
    },
    data: { motionTemplate: {} },
    ...overrides,
  };
}
