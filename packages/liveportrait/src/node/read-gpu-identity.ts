import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The GPUs and driver a timed choice is valid for (part of a `VariantTimingKey`). */
export interface GpuIdentity {
  /** Each GPU's model, e.g. `NVIDIA H100 80GB HBM3`, in bus order. */
  readonly models: readonly string[];
  /** The kernel driver's version, e.g. `580.159.04`. */
  readonly driver: string;
}

/** The driver version in `/proc/driver/nvidia/version`'s first line, or undefined. */
export function parseNvidiaDriverVersion(text: string): string | undefined {
  return /Kernel Module(?: for \S+)?\s+(\d+(?:\.\d+)+)/.exec(text)?.[1];
}

/** The `Model:` line of a `/proc/driver/nvidia/gpus/<bus>/information` file, or undefined. */
export function parseNvidiaGpuModel(text: string): string | undefined {
  return /^Model:\s*(.+?)\s*$/m.exec(text)?.[1];
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The NVIDIA GPUs and driver of this machine, read from the driver's files under `root` (no process is
 * spawned); undefined where there is no NVIDIA driver (or the files are not visible, as in some
 * containers), and the caller then keys its choice by what it knows.
 */
export async function readNvidiaGpuIdentity(root = '/proc/driver/nvidia'): Promise<GpuIdentity | undefined> {
  const driver = parseNvidiaDriverVersion((await readText(join(root, 'version'))) ?? '');
  if (!driver) return undefined;
  let buses: string[];
  try {
    buses = (await readdir(join(root, 'gpus'))).sort();
  } catch {
    return undefined;
  }
  const models: string[] = [];
  for (const bus of buses) {
    const model = parseNvidiaGpuModel((await readText(join(root, 'gpus', bus, 'information'))) ?? '');
    if (model) models.push(model);
  }
  return models.length > 0 ? { models, driver } : undefined;
}
