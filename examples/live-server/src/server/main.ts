/**
 * `pnpm --filter @joyvasa/example-live-server start [--models DIR] [--portrait FILE]... [--port 8080]
 * [--ice stun:HOST:PORT]... [--max-sessions 1] [--device cpu|cuda] [--latency-ms MS]`: loads the pipeline,
 * warms it up on the first portrait, and serves the page (build it first) and the live sessions. With
 * `--latency-ms` the sessions run at that fixed latency behind their audio (docs/guide/live.md, "Pacing");
 * without it they are paced from their first frame.
 */
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTalkingHead } from '@joyvasa/pipeline/node';
import { testPortraitPng, writeFixtureModelsOnce } from './fixture-inputs.js';
import { startLiveExampleServer } from './live-example-server.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    portrait: { type: 'string', multiple: true },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    ice: { type: 'string', multiple: true },
    'max-sessions': { type: 'string', default: '1' },
    device: { type: 'string', default: 'cpu' },
    'latency-ms': { type: 'string' },
  },
});
const exampleDirectory = fileURLToPath(new URL('../..', import.meta.url));
const models = values.models ?? (await writeFixtureModelsOnce(join(exampleDirectory, 'models', 'fixture')));
const portraits: Record<string, Uint8Array | string> = values.portrait?.length
  ? Object.fromEntries(values.portrait.map((file) => [basename(file), file]))
  : { texture: await testPortraitPng() };
const head = await createTalkingHead({ models, device: values.device as 'cpu' | 'cuda' });
await head.warmUp(Object.values(portraits)[0]!);
const server = await startLiveExampleServer({
  head,
  portraits,
  pageDirectory: join(exampleDirectory, 'dist'),
  port: Number(values.port),
  host: values.host,
  maxSessions: Number(values['max-sessions']),
  iceServers: (values.ice ?? []).map((urls) => ({ urls })),
  ...(values['latency-ms'] === undefined ? {} : { session: { latencyMs: Number(values['latency-ms']) } }),
});
console.log(`live server at ${server.url} (portraits: ${Object.keys(portraits).join(', ')})`);
