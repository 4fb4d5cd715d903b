import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNvidiaDriverVersion, parseNvidiaGpuModel, readNvidiaGpuIdentity } from './read-gpu-identity.js';

// The layouts the NVIDIA driver writes under /proc/driver/nvidia (proprietary and open kernel modules).
const proprietary =
  'NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  Thu Jul 10 2025\nGCC version:  gcc 12\n';
const open =
  'NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build  (dvs@host)\n';
const information = (model: string) =>
  `Model: \t\t ${model}\nIRQ:   \t\t 42\nGPU UUID: \t GPU-1\nBus Type: \t PCIe\n`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-proc-nvidia-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function gpu(bus: string, model: string) {
  await mkdir(join(root, 'gpus', bus), { recursive: true });
  await writeFile(join(root, 'gpus', bus, 'information'), information(model));
}

describe('readNvidiaGpuIdentity', () => {
  it('parses the driver version of both kernel modules and a GPU model line', () => {
    expect(parseNvidiaDriverVersion(proprietary)).toBe('580.159.04');
    expect(parseNvidiaDriverVersion(open)).toBe('570.86.15');
    expect(parseNvidiaDriverVersion('')).toBeUndefined();
    expect(parseNvidiaGpuModel(information('NVIDIA H200'))).toBe('NVIDIA H200');
  });

  it('reads the driver and every GPU model in bus order', async () => {
    await writeFile(join(root, 'version'), proprietary);
    await gpu('0000:1b:00.0', 'NVIDIA H100 80GB HBM3');
    await gpu('0000:0a:00.0', 'NVIDIA H200');
    expect(await readNvidiaGpuIdentity(root)).toEqual({
      models: ['NVIDIA H200', 'NVIDIA H100 80GB HBM3'],
      driver: '580.159.04',
    });
  });

  it('is undefined without the driver files', async () => {
    expect(await readNvidiaGpuIdentity(join(root, 'missing'))).toBeUndefined();
    await writeFile(join(root, 'version'), proprietary);
    expect(await readNvidiaGpuIdentity(root)).toBeUndefined();
  });
});
