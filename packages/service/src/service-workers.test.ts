/**
 * Faults on real processes: `joyvasa worker --models fixture` processes and a real redis-server, the API
 * served in this process. A worker killed mid-render, a cancel while queued and while active, Redis
 * stopped and started again, SIGTERM. Bounded: a handful of one- and two-second videos, every wait capped.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeMedia } from '@joyvasa/pipeline/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { texturedPng, toneWav } from '../test/media.js';
import { openQueue } from '../test/queue-reader.js';
import { haveRedis } from '../test/redis-process.js';
import { useServiceHarness } from '../test/service-harness.js';
import type { WorkerProcess } from '../test/worker-process.js';

const wait = 60_000;

describe.skipIf(!haveRedis)('the render service with worker processes', () => {
  const service = useServiceHarness();
  let queue: ReturnType<typeof openQueue>;
  let image: Uint8Array;
  let survivor: WorkerProcess;
  beforeAll(async () => {
    queue = openQueue(service.redis.url);
    image = await texturedPng();
  });
  afterAll(() => queue?.close());

  const rendering = (id: string) =>
    service.waitFor(id, (s) => s.state === 'active' && s.progress.frames >= 1, 'rendering', wait);

  it('gives the job of a worker killed mid-render to another, which writes exactly one whole MP4', async () => {
    const workers = await Promise.all([service.worker(), service.worker()]);
    const id = await service.submitOk({ image, audio: toneWav(1.2) });
    await rendering(id);
    const takenBy = (await queue.job(id)).processedBy;
    const killed = workers.find((worker) => worker.name() === takenBy);
    expect(killed, `no worker named ${takenBy}`).toBeDefined();
    killed!.kill('SIGKILL');
    expect(await killed!.exited).toBe('SIGKILL');
    survivor = workers.find((worker) => worker !== killed)!;

    const done = await service.waitForState(id, 'completed', wait);
    expect(done.progress.frames).toBe(30);
    expect((await queue.job(id)).processedBy).toBe(survivor.name());
    expect((await service.files()).videos).toEqual([`${id}.mp4`]);
    const path = join(service.store, 'videos', `${id}.mp4`);
    const { video, audio } = await probeMedia(path, { countFrames: true });
    expect([video?.codecName, video?.frameCount, audio?.codecName]).toEqual(['h264', 30, 'aac']);

    const whole = await fetch(`${service.baseUrl}/v1/videos/${id}/file`);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(whole.status).toBe(200);
    expect(Buffer.compare(bytes, await readFile(path))).toBe(0);
    const part = await fetch(`${service.baseUrl}/v1/videos/${id}/file`, { headers: { Range: 'bytes=4-11' } });
    expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes 4-11/${bytes.length}`]);
    expect(new TextDecoder().decode(await part.arrayBuffer())).toBe('ftypisom'.slice(0, 8));
  });

  it('cancels a queued video and stops an active render within a batch, leaving no file', async () => {
    const active = await service.submitOk({ image, audio: toneWav(1.2) });
    const queued = await service.submitOk({ image, audio: toneWav(0.4) });
    await rendering(active);
    const cancelQueued = await fetch(`${service.baseUrl}/v1/videos/${queued}`, { method: 'DELETE' });
    expect(cancelQueued.status).toBe(202);
    expect((await service.status(queued)).state).toBe('cancelled');

    const cancelActive = await fetch(`${service.baseUrl}/v1/videos/${active}`, { method: 'DELETE' });
    expect(cancelActive.status).toBe(202);
    const stopped = await service.waitForState(active, 'cancelled', wait);
    expect(stopped.progress.frames).toBeLessThan(30);
    const files = await service.files();
    expect(files.videos.filter((name) => name.includes(active) || name.includes(queued))).toEqual([]);
    expect(files.partial.filter((name) => name.includes(active))).toEqual([]);
    expect(survivor.lines.some((line) => line.includes(queued))).toBe(false);
  });

  it('answers 503 with a typed error while Redis is down, and completes every job once it is back', async () => {
    const ids = [
      await service.submitOk({ image, audio: toneWav(0.4) }),
      await service.submitOk({ image, audio: toneWav(0.4) }),
    ];
    await rendering(ids[0]!);
    await service.redis.stop();
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(503);
    const status = await fetch(`${service.baseUrl}/v1/videos/${ids[0]}`);
    expect(status.status).toBe(503);
    expect(((await status.json()) as { error: { name: string } }).error.name).toBe('QueueUnavailableError');
    const submit = await service.submit({ image, audio: toneWav(1) });
    expect(submit.status).toBe(503);
    await service.redis.start();
    for (const id of ids) await service.waitForState(id, 'completed', wait);
    expect((await service.files()).videos).toEqual(expect.arrayContaining(ids.map((id) => `${id}.mp4`)));
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
  });

  it('finishes the current job on SIGTERM and exits 0', async () => {
    const id = await service.submitOk({ image, audio: toneWav(0.6) });
    await rendering(id);
    survivor.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    expect((await service.status(id)).state).toBe('completed');
    expect((await service.files()).videos).toContain(`${id}.mp4`);
  });
});
