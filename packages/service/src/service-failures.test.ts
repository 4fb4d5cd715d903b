/**
 * Failures that must not be retried, and failures that must: bad requests (4xx at once), bad media (a
 * `failed` state naming the SDK's typed error after one attempt), a worker whose device fails (its job goes
 * to another worker), a store that keeps failing (bounded retries with backoff). Real redis-server and
 * `joyvasa worker` processes; the API and one flaky worker run in this process.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { inputLimits } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatPng, texturedPng, toneWav } from '../test/media.js';
import { openQueue } from '../test/queue-reader.js';
import { haveRedis } from '../test/redis-process.js';
import { useServiceHarness } from '../test/service-harness.js';
import { createServiceApp } from './api/create-service-app.js';
import { createFolderVideoStore } from './store/folder-video-store.js';
import type { VideoStoreV1 } from './store/video-store.js';
import { startRenderWorker } from './worker/render-worker.js';

const wait = 60_000;

/** A PNG header that declares 100000 × 100000 pixels (and nothing else). */
function absurdPng(): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(100000, 16);
  bytes.writeUInt32BE(100000, 20);
  bytes.set([8, 2, 0, 0, 0], 24);
  return bytes;
}

async function errorOf(response: Response): Promise<{ status: number; name: string; message: string }> {
  const body = (await response.json()) as { error: { name: string; message: string } };
  return { status: response.status, ...body.error };
}

describe.skipIf(!haveRedis)('render service failures', () => {
  const service = useServiceHarness({ attempts: 2, backoffMs: 200 });
  let queue: ReturnType<typeof openQueue>;
  let image: Uint8Array;
  beforeAll(async () => {
    queue = openQueue(service.redis.url);
    image = await texturedPng();
  });
  afterAll(() => queue?.close());

  it('retries a failing store a bounded number of times with backoff, then fails naming the error', async () => {
    const folder = createFolderVideoStore(service.store);
    const broken: VideoStoreV1 = {
      ...folder,
      beginVideo: async () => {
        throw Object.assign(new Error('EIO: i/o error, open partial'), { code: 'EIO' });
      },
    };
    const bundle = join(service.directory, 'cache', 'joyvasa', 'bundles');
    const { readdir } = await import('node:fs/promises');
    const models = join(bundle, (await readdir(bundle)).find((name) => name.startsWith('fixture'))!);
    const worker = await startRenderWorker({
      redis: service.redis.url,
      store: broken,
      models,
      device: 'cpu',
    });
    try {
      const id = await service.submitOk({ image, audio: toneWav(0.4) });
      const failed = await service.waitForState(id, 'failed', wait);
      expect(failed.error).toEqual({ name: 'Error', message: 'EIO: i/o error, open partial' });
      const job = await queue.job(id);
      expect(job.attemptsMade).toBe(2);
      expect(job.opts.backoff).toEqual({ type: 'exponential', delay: 200 });
    } finally {
      await worker.close();
    }
  });

  it('gives the job of a worker whose device failed to another worker; the failed one exits 75', async () => {
    const faulty = await service.worker({ JOYVASA_WORKER_FAULT: 'device-after-runs:12' });
    const id = await service.submitOk({ image, audio: toneWav(0.4) });
    expect(await faulty.exited).toBe(75);
    expect((await queue.job(id)).failedReason).toMatch(/^SessionRunError: /);
    const healthy = await service.worker();
    const done = await service.waitForState(id, 'completed', wait);
    expect([done.progress.frames, done.progress.fps]).toEqual([10, 25]);
    const job = await queue.job(id);
    expect([job.attemptsMade, job.processedBy]).toEqual([2, healthy.name()]);
  });

  it.each([
    [
      'not an image',
      { image: new TextEncoder().encode('hello, not a picture'), imageName: 'face.png' },
      /InvalidInputError/,
    ],
    ['no face in the picture', { imageName: 'flat.png', flat: true }, /NoFaceFoundError/],
    ['an absurd image size', { image: absurdPng() }, /InvalidInputError/],
    ['empty audio', { audio: new Uint8Array(0) }, /InvalidInputError/],
    ['truncated audio', { audio: toneWav(0.4).slice(0, 60) }, /InvalidInputError|FfmpegError/],
  ] as const)('fails %s at once, without retries, naming the SDK error', async (_what, parts, name) => {
    const id = await service.submitOk({
      image: 'flat' in parts ? await flatPng() : 'image' in parts ? parts.image : image,
      audio: 'audio' in parts ? parts.audio : toneWav(0.4),
      ...('imageName' in parts ? { imageName: parts.imageName } : {}),
    });
    const failed = await service.waitForState(id, 'failed', wait);
    expect(failed.error?.name).toMatch(name);
    expect((await queue.job(id)).attemptsMade).toBe(1);
  });

  it('refuses bad requests with 4xx and a typed JSON error', async () => {
    const audio = toneWav(0.4);
    expect(await errorOf(await service.submit({ image, audio, options: '{"cfgScale": 99}' }))).toMatchObject({
      status: 400,
      name: 'InvalidInputError',
      message: expect.stringContaining('options.cfgScale'),
    });
    expect(await errorOf(await service.submit({ image, audio, options: '{"frobnicate": 1}' }))).toMatchObject(
      {
        status: 400,
        message: expect.stringContaining('options.frobnicate'),
      },
    );
    expect(await errorOf(await service.submit({ image, audio, options: 'seed=1' }))).toMatchObject({
      status: 400,
      name: 'InvalidInputError',
    });
    expect(await errorOf(await service.submit({ image }))).toMatchObject({
      status: 400,
      name: 'InvalidInputError',
    });
    const huge = new Uint8Array(inputLimits.uploadAudioMaxBytes + 1);
    expect(await errorOf(await service.submit({ image, audio: huge }))).toMatchObject({
      status: 413,
      name: 'UploadTooLargeError',
    });
    expect(await errorOf(await fetch(`${service.baseUrl}/v1/videos/nope`))).toMatchObject({
      status: 404,
      name: 'VideoNotFoundError',
    });
  });

  it('keeps one id per Idempotency-Key, streams events, and reports metrics', async () => {
    const headers = { 'Idempotency-Key': 'order-42' };
    const first = await service.submitOk({ image, audio: toneWav(0.4), headers });
    const again = await service.submitOk({ image, audio: toneWav(0.4), headers });
    expect(again).toBe(first);
    const events = await (await fetch(`${service.baseUrl}/v1/videos/${first}/events`)).text();
    const states = [...events.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!).state);
    expect(states.at(-1)).toBe('completed');
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^joyvasa_jobs\{state="completed"\} [1-9]/m);
    expect(metrics).toMatch(/^joyvasa_frames_rendered_total\{worker="[^"]+"\} [1-9]/m);
    expect(metrics).toMatch(/^joyvasa_queue_wait_seconds_count [1-9]/m);
    const openapi = (await (await fetch(`${service.baseUrl}/v1/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(openapi.paths)).toContain('/v1/videos/{id}/file');
  });

  it('requires a bearer token on /v1 routes when tokens are set', async () => {
    const app = await createServiceApp({
      redis: service.redis.url,
      store: createFolderVideoStore(await mkdtemp(join(service.directory, 'auth-'))),
      tokens: ['s3cret'],
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(await errorOf(await fetch(`${base}/v1/videos/x`))).toMatchObject({
        status: 401,
        name: 'UnauthorizedError',
      });
      // A new app answers 503 until its Redis connection is ready (the documented behaviour): wait for it.
      for (let i = 0; i < 50 && (await fetch(`${base}/healthz`)).status !== 200; i++) await delay(100);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const authorised = await fetch(`${base}/v1/videos/x`, { headers: { Authorization: 'Bearer s3cret' } });
      expect(authorised.status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
