/**
 * Benchmarks the full-size JoyVASA audio encoder (chinese-hubert-base layout, formula weights) on
 * onnxruntime-node cpu: graph build, session creation and milliseconds per 4-second window.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/audio-encoder/scripts/bench-encoder.ts \
 *     [--runs 5] [--threads 2] [--seconds 4]
 *
 * Prints figures only; nothing is asserted.
 */
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { buildHubertEncoder, chineseHubertBaseConfig } from '@joyvasa/model-builder';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';
import { createOnnxAudioEncoder } from '../src/onnx-audio-encoder.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    threads: { type: 'string' },
    seconds: { type: 'string', default: '4' },
  },
});
const runs = Number(values.runs);
const threads = values.threads ? Number(values.threads) : undefined;
const samples = Math.round(Number(values.seconds) * 25) * 640;

const timed = async <T>(body: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await body();
  return [result, performance.now() - start];
};

const [graph, buildMs] = await timed(() =>
  buildHubertEncoder(createFormulaSource('bench'), chineseHubertBaseConfig),
);
const [model, encodeMs] = await timed(() => graph.encode());
const [session, createMs] = await timed(() =>
  createOnnxNodeBackend().createSession(model, {
    device: 'cpu',
    name: 'hubert',
    ...(threads ? { threads } : {}),
  }),
);
const encoder = createOnnxAudioEncoder({
  session,
  id: 'hubert-zh',
  sampleRate: 16000,
  featuresPerSecond: 25,
});
const pcm = Float32Array.from(
  { length: samples },
  (_, i) => 0.3 * Math.sin(i * 0.0863) * Math.sin(i * 0.0007),
);

const [, firstMs] = await timed(() => encoder.encode(pcm));
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push((await timed(() => encoder.encode(pcm)))[1]);
times.sort((a, b) => a - b);
await encoder.dispose?.();

const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(
  `graph: ${chineseHubertBaseConfig.name}, ${(model.length / 2 ** 20).toFixed(1)} MiB, ops`,
  graph.opInventory(),
);
console.log(`build (formula weights + nodes) ${ms(buildMs)}, serialise ${ms(encodeMs)}`);
console.log(`session create (onnxruntime-node cpu, threads ${threads ?? 'default'}) ${ms(createMs)}`);
console.log(
  `window of ${samples} samples: first run ${ms(firstMs)}, then median of ${runs} ${ms(times[runs >> 1]!)}`,
);
console.log(`  (min ${ms(times[0]!)}, max ${ms(times.at(-1)!)})`);
