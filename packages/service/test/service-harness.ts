/**
 * What the service's fault tests share: a temporary folder (store, Redis data, model cache), a real
 * redis-server, the fixture bundle written once into the temporary cache, the API served in this process
 * on a free port, and real `joyvasa worker --models fixture` processes.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createServiceApp } from '../src/api/create-service-app.js';
import type { RetryPolicy } from '../src/api/video-routes.js';
import { createFolderVideoStore } from '../src/store/folder-video-store.js';
import type { VideoState, VideoStatus } from '../src/video-job.js';
import { type RedisProcess, startRedis } from './redis-process.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

/** One submission's parts. */
export interface Submission {
  readonly image?: Uint8Array;
  readonly audio?: Uint8Array;
  readonly imageName?: string;
  readonly audioName?: string;
  readonly options?: string;
  readonly headers?: Record<string, string>;
}

/** The harness of one test file (read its fields inside tests, once the hooks have run). */
export interface ServiceHarness {
  readonly directory: string;
  readonly store: string;
  readonly redis: RedisProcess;
  readonly api: FastifyInstance;
  readonly baseUrl: string;
  readonly workers: WorkerProcess[];
  /** Starts a `joyvasa worker --models fixture` on this Redis and store. */
  worker(env?: Record<string, string>): Promise<WorkerProcess>;
  submit(parts: Submission): Promise<Response>;
  /** `POST /v1/videos` that must answer 202; the new id. */
  submitOk(parts: Submission): Promise<string>;
  status(id: string): Promise<VideoStatus>;
  /** Polls until `accept` is true, failing after `timeoutMs` with the last status. */
  waitFor(
    id: string,
    accept: (status: VideoStatus) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<VideoStatus>;
  waitForState(id: string, state: VideoState, timeoutMs: number): Promise<VideoStatus>;
  /** Files under the store's `videos/` and `partial/` folders. */
  files(): Promise<{ videos: string[]; partial: string[] }>;
}

/** Registers the hooks that set up and tear down a harness in the calling test file. */
export function useServiceHarness(
  retry: Partial<RetryPolicy> = { attempts: 2, backoffMs: 200 },
): ServiceHarness {
  const harness = { workers: [] as WorkerProcess[] } as Partial<ServiceHarness> & {
    workers: WorkerProcess[];
  };
  const cache = () => join(harness.directory!, 'cache');
  beforeAll(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'joyvasa-service-test-'));
    const store = join(directory, 'store');
    await mkdir(join(directory, 'redis'), { recursive: true });
    Object.assign(harness, { directory, store });
    await ensureSyntheticBundle('fixture', { cacheDirectory: join(cache(), 'joyvasa') });
    const redis = await startRedis(join(directory, 'redis'));
    const api = await createServiceApp({ redis: redis.url, store: createFolderVideoStore(store), retry });
    const address = await api.listen({ port: 0, host: '127.0.0.1' });
    Object.assign(harness, { redis, api, baseUrl: address });
  });
  afterAll(async () => {
    for (const worker of harness.workers) worker.kill('SIGKILL');
    await Promise.all(harness.workers.map((worker) => worker.exited));
    await harness.api?.close();
    await harness.redis?.stop();
    if (harness.directory) await rm(harness.directory, { recursive: true, force: true });
  });
  Object.assign(harness, {
    async worker(env: Record<string, string> = {}) {
      const args = ['--redis', harness.redis!.url, '--store', harness.store!, '--models', 'fixture'];
      const worker = await startWorker([...args, '--device', 'cpu', '--stall-seconds', '4'], {
        XDG_CACHE_HOME: cache(),
        ...env,
      });
      harness.workers.push(worker);
      return worker;
    },
    submit(parts: Submission) {
      const form = new FormData();
      if (parts.image) form.set('image', new Blob([parts.image.slice()]), parts.imageName ?? 'face.png');
      if (parts.audio) form.set('audio', new Blob([parts.audio.slice()]), parts.audioName ?? 'speech.wav');
      if (parts.options !== undefined) form.set('options', parts.options);
      return fetch(`${harness.baseUrl}/v1/videos`, {
        method: 'POST',
        body: form,
        headers: parts.headers ?? {},
      });
    },
    async submitOk(parts: Submission) {
      const response = await harness.submit!(parts);
      const body = (await response.json()) as { id: string };
      if (response.status !== 202)
        throw new Error(`POST /v1/videos answered ${response.status}: ${JSON.stringify(body)}`);
      return body.id;
    },
    async status(id: string) {
      const response = await fetch(`${harness.baseUrl}/v1/videos/${id}`);
      return (await response.json()) as VideoStatus;
    },
    async waitFor(id: string, accept: (status: VideoStatus) => boolean, what: string, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      let last: VideoStatus | undefined;
      while (Date.now() < deadline) {
        last = await harness.status!(id);
        if (accept(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const logs = harness.workers.map((worker) => worker.lines.slice(-8).join('\n')).join('\n---\n');
      throw new Error(
        `video ${id}: not ${what} within ${timeoutMs} ms; last ${JSON.stringify(last)}\n${logs}`,
      );
    },
    waitForState(id: string, state: VideoState, timeoutMs: number) {
      return harness.waitFor!(id, (status) => status.state === state, state, timeoutMs);
    },
    async files() {
      const list = (folder: string) => readdir(join(harness.store!, folder)).catch(() => [] as string[]);
      return { videos: await list('videos'), partial: await list('partial') };
    },
  });
  return harness as ServiceHarness;
}
