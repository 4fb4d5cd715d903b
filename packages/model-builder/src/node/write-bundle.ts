import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Device,
  type EventListener,
  isWriteFailure,
  MANIFEST_VERSION,
  type ModelComponent,
  type ModelFile,
  type ModelManifest,
  OutputWriteError,
  sha256Hex,
  validateManifest,
} from '@joyvasa/core';
import { type BundlePlan, graphSpecs } from '../bundle/bundle-plan.js';

/** Writes `bytes` to `path` through a `.partial` file, removed (and the failure typed) when the write fails. */
async function writeAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    if (!isWriteFailure(error)) throw error;
    throw new OutputWriteError(path, error, 'Free some space (or fix the folder) and run convert again.');
  }
}

async function writeModelFile(directory: string, path: string, bytes: Uint8Array): Promise<ModelFile> {
  await writeAtomically(join(directory, path), bytes);
  return { path, sha256: await sha256Hex(bytes), bytes: bytes.length };
}

/**
 * Writes a bundle folder: one `.onnx` per component (and per device file and equivalent form) and `manifest.json` with each
 * file's sha256 and size and each component's input and output specs. Components are built and written one
 * at a time, so only one graph's weights are in memory at once. The manifest is written last: a folder
 * without it is an interrupted write, never a valid bundle. Each file goes through `<name>.partial`; a
 * failed write (a full disk) removes it and throws {@link OutputWriteError}.
 */
export async function writeBundle(
  directory: string,
  plan: BundlePlan,
  onEvent?: EventListener,
): Promise<ModelManifest> {
  await mkdir(directory, { recursive: true });
  await rm(join(directory, 'manifest.json'), { force: true });
  const components: Record<string, ModelComponent> = {};
  const names = Object.keys(plan.components);
  for (const [index, name] of names.entries()) {
    const planned = plan.components[name]!;
    const built = planned.build();
    const dtype = plan.dtype === 'fp16' && planned.float16 ? 'fp16' : 'fp32';
    const { bytes, inputs, outputs } =
      'bytes' in built ? built : { bytes: built.encode({ dtype }), ...graphSpecs(built) };
    const file = await writeModelFile(directory, planned.file ?? `${name}.onnx`, bytes);
    const devices: Partial<Record<Device, { file: ModelFile }>> = {};
    for (const [device, variant] of Object.entries(planned.devices ?? {})) {
      if (!variant) continue;
      devices[device as Device] = {
        file: await writeModelFile(directory, variant.file, variant.build().encode()),
      };
    }
    const variants: Record<string, { file: ModelFile }> = {};
    for (const [variant, form] of Object.entries(planned.variants ?? {})) {
      variants[variant] = {
        file: await writeModelFile(directory, form.file, form.build().encode({ dtype })),
      };
    }
    components[name] = {
      file,
      inputs,
      outputs,
      ...(Object.keys(devices).length > 0 ? { devices } : {}),
      ...(Object.keys(variants).length > 0 ? { variants } : {}),
      // Only float16 is written: float32 manifests stay as they were.
      ...(dtype === 'fp16' ? { dtype } : {}),
    };
    onEvent?.({ type: 'progress', stage: 'write-bundle', completed: index + 1, total: names.length });
  }
  const manifest = validateManifest({
    manifestVersion: MANIFEST_VERSION,
    name: plan.name,
    version: plan.version,
    provenance: plan.provenance,
    components,
    data: plan.data ?? {},
  });
  await writeAtomically(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
