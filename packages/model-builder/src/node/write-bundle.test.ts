import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, IntegrityError, openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRetargetingMlp } from '../architectures/liveportrait/retargeting-mlp.js';
import { createFormulaSource } from '../synthetic/formula-source.js';
import { writeBundle } from './write-bundle.js';

const tiny = { inputSize: 6, hiddenSizes: [8], outputSize: 4 };
const directories: string[] = [];
afterAll(async () => {
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

async function writeTinyBundle() {
  const directory = await mkdtemp(join(tmpdir(), 'joyvasa-bundle-'));
  directories.push(directory);
  const manifest = await writeBundle(directory, {
    name: 'tiny',
    version: '0.0.0',
    provenance: 'fixture',
    components: {
      stitching: {
        build: () => buildRetargetingMlp(createFormulaSource('T'), tiny),
        // Another graph under a variant's name: the manifest says which form each file is.
        variants: {
          other: {
            build: () => buildRetargetingMlp(createFormulaSource('V'), tiny),
            file: 'stitching.other.onnx',
          },
        },
      },
      lip: {
        build: () => buildRetargetingMlp(createFormulaSource('U'), tiny),
        devices: {
          wasm: { build: () => buildRetargetingMlp(createFormulaSource('U'), tiny), file: 'lip.wasm.onnx' },
        },
      },
    },
    data: { note: 'tiny' },
  });
  return { directory, manifest };
}

describe('writeBundle', () => {
  it('writes a bundle that loads, checks and runs', async () => {
    const { directory, manifest } = await writeTinyBundle();
    expect(Object.keys(manifest.components)).toEqual(['stitching', 'lip']);
    expect(manifest.components.lip!.devices?.wasm?.file.path).toBe('lip.wasm.onnx');
    expect(manifest.components.stitching!.variants?.other?.file.path).toBe('stitching.other.onnx');
    expect(manifest.components.stitching!.dtype).toBeUndefined();
    expect(manifest.components.stitching!.inputs).toEqual({ input: { type: 'float32', dims: ['batch', 6] } });
    const bundle = await openModelBundle(createDirectorySource(directory));
    const session = await bundle.createSession(createOnnxNodeBackend(), 'stitching', { device: 'cpu' });
    const { output } = await session.run({
      input: createTensor('float32', [2, 6], new Float32Array(12).fill(0.5)),
    });
    expect(output!.dims).toEqual([2, 4]);
    const other = await bundle.createSession(createOnnxNodeBackend(), 'stitching', {
      device: 'cpu',
      variant: 'other',
    });
    const { output: otherOutput } = await other.run({
      input: createTensor('float32', [2, 6], new Float32Array(12).fill(0.5)),
    });
    expect(otherOutput!.dims).toEqual([2, 4]);
    expect(otherOutput!.data).not.toEqual(output!.data);
    await Promise.all([session.dispose(), other.dispose()]);
    await expect(
      bundle.createSession(createOnnxNodeBackend(), 'lip', { device: 'cpu', variant: 'other' }),
    ).rejects.toThrow('components.lip.variants.other: no such form on cpu (it has official)');
  });

  it('produces a bundle whose tampered file is refused', async () => {
    const { directory } = await writeTinyBundle();
    const path = join(directory, 'stitching.onnx');
    const bytes = await readFile(path);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(path, bytes);
    const bundle = await openModelBundle(createDirectorySource(directory));
    await expect(bundle.createSession(createOnnxNodeBackend(), 'stitching')).rejects.toSatisfy(
      IntegrityError.isInstance,
    );
  });
});
