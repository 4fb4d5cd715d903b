/**
 * Load benchmark of the render service (a script, not a test): for each worker count, a fresh redis-server,
 * one `joyvasa serve`, that many `joyvasa worker` processes, N jobs submitted at once, and autocannon on
 * `GET /v1/videos/:id` for as long as the workers render. Prints one markdown row per worker count: jobs
 * per minute, frames per second, queue wait, API latency p50/p99 under load.
 *
 *   pnpm bench:service --workers 1,2,4 --jobs 8 --models fixture --device cpu --seconds 1
 *   node bench-service.mjs --joyvasa "node joyvasa.mjs" --models /tmp/bundle --device cuda …   (GPU machine:
 *   packages/service/scripts/gpu-service.sh; a --models folder without a bundle gets the full-size one)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '@joyvasa/audio-encoder';
import { encodePng } from '@joyvasa/pipeline/node';
import autocannon from 'autocannon';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ensureBenchBundle } from '../../pipeline/scripts/bench-bundle.js';
import { renderQueueName } from '../src/video-job.js';
import { freePort } from '../test/redis-process.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    jobs: { type: 'string', default: '8' },
    models: { type: 'string', default: 'fixture' },
    device: { type: 'string', default: 'cpu' },
    seconds: { type: 'string', default: '1' },
    image: { type: 'string' },
    size: { type: 'string', default: '256' },
    joyvasa: { type: 'string' },
    'redis-server': { type: 'string', default: 'redis-server' },
    connections: { type: 'string', default: '8' },
    options: { type: 'string' },
    out: { type: 'string' },
  },
});

const root = new URL('../../../', import.meta.url).pathname;
const joyvasa = values.joyvasa?.split(' ') ?? [
  process.execPath,
  '--import',
  'tsx',
  '--conditions=@joyvasa/source',
  join(root, 'packages/cli/src/bin.ts'),
];
const log = (line: string) => process.stderr.write(`${line}\n`);

function start(
  command: string[],
  name: string,
  env: Record<string, string> = {},
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: values.joyvasa ? process.cwd() : root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready on|listening on|Ready to accept/.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output.slice(-2000)}`)));
  });
  return { child, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function testMedia(): Promise<{ image: Uint8Array; audio: Uint8Array }> {
  const side = Number(values.size);
  const image = values.image
    ? await readFile(values.image)
    : await encodePng({
        width: side,
        height: side,
        channels: 3,
        data: Uint8Array.from(
          { length: side * side * 3 },
          (_, i) => (i * 37 + ((i / 3 / side) | 0) * 11) % 256,
        ),
      });
  const rate = 16000;
  const pcm = Float32Array.from(
    { length: Number(values.seconds) * rate },
    (_, i) => 0.2 * Math.sin(i / 9 + Math.sin(i / 700)),
  );
  return { image, audio: encodeWav(pcm, rate) };
}

/** One run: `workers` workers, `jobs` jobs; figures from BullMQ's timestamps and autocannon. */
async function runOnce(workers: number, jobs: number) {
  const directory = await mkdtemp(join(tmpdir(), 'joyvasa-bench-service-'));
  const [redisPort, apiPort] = [await freePort(), await freePort()];
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const redis = start(
    [
      values['redis-server']!,
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--dir',
      directory,
    ],
    'redis',
  );
  const processes = [redis.child];
  try {
    await redis.ready;
    const store = join(directory, 'store');
    const api = start(
      [...joyvasa, 'serve', '--redis', redisUrl, '--store', store, '--port', String(apiPort)],
      'serve',
    );
    processes.push(api.child);
    const workerArgs = [
      'worker',
      '--redis',
      redisUrl,
      '--store',
      store,
      '--models',
      values.models!,
      '--device',
      values.device!,
    ];
    const started = Array.from({ length: workers }, (_, i) =>
      start([...joyvasa, ...workerArgs], `worker ${i}`),
    );
    processes.push(...started.map((w) => w.child));
    await Promise.all([api.ready, ...started.map((w) => w.ready)]);
    const base = `http://127.0.0.1:${apiPort}`;
    const media = await testMedia();
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const form = new FormData();
      form.set('image', new Blob([media.image.slice()]), 'face.png');
      form.set('audio', new Blob([media.audio.slice()]), 'speech.wav');
      if (values.options) form.set('options', values.options);
      const response = await fetch(`${base}/v1/videos`, { method: 'POST', body: form });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const load = autocannon({
      url: `${base}/v1/videos/${ids[0]}`,
      connections: Number(values.connections),
      duration: 3600,
    });
    const cannon = new Promise<autocannon.Result>((resolve) => load.on('done', resolve));
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(renderQueueName, { connection });
    let done: Job[] = [];
    const deadline = Date.now() + 30 * 60_000;
    while (Date.now() < deadline) {
      done = (await Promise.all(ids.map((id) => queue.getJob(id)))).filter(
        (job): job is Job => job?.finishedOn !== undefined,
      );
      if (done.length === jobs) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    load.stop();
    const latency = (await cannon).latency;
    await queue.close();
    connection.disconnect();
    const failed = done.filter((job) => job.failedReason);
    if (done.length < jobs || failed.length > 0)
      throw new Error(
        `${jobs - done.length} unfinished, ${failed.length} failed: ${failed[0]?.failedReason}`,
      );
    const first = Math.min(...done.map((job) => job.timestamp));
    const last = Math.max(...done.map((job) => job.finishedOn!));
    const seconds = (last - first) / 1000;
    const waits = done.map((job) => (job.processedOn! - job.timestamp) / 1000).sort((a, b) => a - b);
    const frames = done.reduce(
      (sum, job) => sum + ((job.returnvalue as { frames?: number })?.frames ?? 0),
      0,
    );
    return {
      workers,
      jobs,
      seconds,
      jobsPerMinute: (jobs / seconds) * 60,
      framesPerSecond: frames / seconds,
      queueWaitMeanSeconds: waits.reduce((a, b) => a + b, 0) / waits.length,
      queueWaitP50Seconds: percentile(waits, 50),
      queueWaitMaxSeconds: waits.at(-1)!,
      apiP50Ms: latency.p50,
      apiP99Ms: latency.p99,
      apiRequests: (await cannon).requests.total,
    };
  } finally {
    for (const child of processes.reverse()) await stop(child);
    await rm(directory, { recursive: true, force: true });
  }
}

// A folder without a bundle gets the official-size synthetic one (random weights), as the GPU benchmarks do.
if (values.models !== 'fixture') values.models = await ensureBenchBundle(values.models!, log);
const rows = [];
log(
  `bench-service: ${cpus().length} CPUs (${cpus()[0]?.model}), models ${values.models}, device ${values.device}`,
);
for (const workers of values.workers!.split(',').map(Number)) {
  const row = await runOnce(workers, Number(values.jobs));
  log(JSON.stringify(row));
  rows.push(row);
}
const table = [
  '| workers | jobs | seconds | jobs/min | frames/s | queue wait mean / p50 / max (s) | API p50 / p99 (ms) under load |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.workers} | ${r.jobs} | ${r.seconds.toFixed(1)} | ${r.jobsPerMinute.toFixed(1)} | ${r.framesPerSecond.toFixed(1)} | ` +
      `${r.queueWaitMeanSeconds.toFixed(1)} / ${r.queueWaitP50Seconds.toFixed(1)} / ${r.queueWaitMaxSeconds.toFixed(1)} | ${r.apiP50Ms} / ${r.apiP99Ms} |`,
  ),
].join('\n');
console.log(table);
if (values.out) await writeFile(values.out, JSON.stringify(rows, null, 2));
