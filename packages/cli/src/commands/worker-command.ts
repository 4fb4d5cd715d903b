import { resolve } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { BackendV1, DeviceRequest } from '@joyvasa/core';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  parseCommandArgs,
  stopSignals,
  stringOption,
  usageError,
} from '../cli-args.js';
import { type CliOutput, processOutput } from '../cli-output.js';
import { bundleFolderProblem, openModelsChoice, parseModelsOption } from './animate-models.js';
import { loadService, type ServiceModule } from './load-service.js';

export const workerUsage = `joyvasa worker --redis redis://HOST:PORT --store DIR --models PATH|fixture [--device cpu|cuda|cuda:N] [--concurrency N]

A render worker of the service: loads the talking head once, then renders the queued videos of 'joyvasa
serve' with generate() into the shared store, one job at a time (--concurrency for more). Run one per GPU
(--device cuda:0, cuda:1, …) on any number of machines that reach the Redis and the store.

Options:
  --redis <url>         the queue's Redis, redis://HOST:PORT
  --store <folder>      the folder shared with the API (uploads and videos)
  --models <bundle>     a bundle folder, an http(s) URL, or 'fixture' (synthetic weights: NOT a face animation)
  --device <device>     cpu, cuda, cuda:N (GPU N) or auto (default auto)
  --concurrency <n>     jobs rendered at once (default 1)
  --stall-seconds <n>   a job whose worker stops answering goes to another worker after this (default 10)
  -h, --help            this text

SIGTERM or SIGINT: stops taking jobs, finishes the current one, exits 0; a second signal stops the render
and hands the job back to the queue. Exit codes: 0 stopped, 1 failed to start, 2 bad arguments, 75 the
device failed (its job went back to the queue; restart the worker).`;

const options = {
  redis: { type: 'string' },
  store: { type: 'string' },
  models: { type: 'string' },
  device: { type: 'string' },
  concurrency: { type: 'string' },
  'stall-seconds': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Exit code of a worker whose device failed: a supervisor restarts it (EX_TEMPFAIL). */
export const deviceFailedExit = 75;

/** `cpu` / `cuda` / `cuda:N` / `auto` as the backend's device and CUDA device id, or a usage error. */
export function parseWorkerDevice(
  text: string | undefined,
): { device: DeviceRequest; cudaDeviceId?: number } | string {
  if (text === undefined || text === 'auto') return { device: 'auto' };
  if (text === 'cpu' || text === 'cuda') return { device: text };
  const match = /^cuda:(\d{1,2})$/.exec(text);
  if (match) return { device: 'cuda', cudaDeviceId: Number(match[1]) };
  return `--device is cpu, cuda, cuda:N or auto, not '${text}'`;
}

function wholeNumber(text: string | undefined, name: string, fallback: number): number | string {
  if (text === undefined) return fallback;
  return /^[1-9]\d{0,3}$/.test(text) ? Number(text) : `--${name} must be a whole number ≥ 1, not '${text}'`;
}

/** The backend, with an injected device failure when `JOYVASA_WORKER_FAULT=device-after-runs:N` (fault drills). */
function workerBackend(service: ServiceModule, cudaDeviceId: number | undefined): BackendV1 {
  const backend = createOnnxNodeBackend(cudaDeviceId === undefined ? {} : { cudaDeviceId });
  const fault = /^device-after-runs:(\d+)$/.exec(process.env.JOYVASA_WORKER_FAULT ?? '');
  return fault ? service.withDeviceFault(backend, Number(fault[1])) : backend;
}

/** First stop signal: finish the current job; a second: hand it back. */
function onStopSignals(stop: (handBack: boolean) => void): () => void {
  let count = 0;
  const handler = () => {
    count += 1;
    stop(count > 1);
  };
  for (const name of stopSignals) process.on(name, handler);
  return () => {
    for (const name of stopSignals) process.off(name, handler);
  };
}

async function runWorker(output: CliOutput, values: Record<string, string | undefined>): Promise<number> {
  const device = parseWorkerDevice(values.device);
  const concurrency = wholeNumber(values.concurrency, 'concurrency', 1);
  const stallSeconds = wholeNumber(values['stall-seconds'], 'stall-seconds', 10);
  for (const problem of [device, concurrency, stallSeconds]) {
    if (typeof problem === 'string') return usageError(output, problem, workerUsage);
  }
  const choice = parseModelsOption(values.models);
  const bundleProblem = choice.kind === 'folder' && bundleFolderProblem(choice.folder);
  if (bundleProblem) return usageError(output, `--models: ${bundleProblem}`, workerUsage);
  const service = await loadService();
  const { device: request, cudaDeviceId } = device as Exclude<typeof device, string>;
  const opened = await openModelsChoice(choice);
  if (opened.synthetic)
    output.log(`WARNING: --models ${opened.synthetic}: synthetic weights, NOT a face animation`);
  const worker = await service.startRenderWorker({
    redis: service.checkRedisUrl(values.redis!),
    store: service.createFolderVideoStore(resolve(values.store!)),
    models: opened.models,
    ...(opened.store ? { modelStore: opened.store } : {}),
    backend: workerBackend(service, cudaDeviceId),
    device: request,
    concurrency: concurrency as number,
    stallSeconds: stallSeconds as number,
    onLog: (line) => output.log(line),
  });
  const dispose = onStopSignals((handBack) => {
    output.log(
      `${worker.name}: stopping (${handBack ? 'handing the current job back' : 'finishing the current job'})`,
    );
    void worker.close({ handBack });
  });
  try {
    const how = await worker.stopped;
    output.log(`${worker.name}: stopped${how === 'device-failed' ? ' (the device failed)' : ''}`);
    return how === 'device-failed' ? deviceFailedExit : exitCodes.ok;
  } finally {
    dispose();
  }
}

/** `joyvasa worker`: renders queued videos until a stop signal. */
export async function workerCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, options, workerUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const values = Object.fromEntries(
    Object.keys(options).map((name) => [name, stringOption(parsed.values, name)]),
  ) as Record<string, string | undefined>;
  if (!values.redis || !values.store || !values.models) {
    return usageError(output, '--redis, --store and --models are required', workerUsage);
  }
  if (parsed.positionals.length > 0) {
    return usageError(output, `unexpected argument '${parsed.positionals[0]}'`, workerUsage);
  }
  try {
    return await runWorker(output, values);
  } catch (error) {
    return failureExit(output, error, 'stopped');
  }
}
