/**
 * Times each full-size LivePortrait graph on onnxruntime-node (cpu): build (formula weights), encode,
 * session create, first run, and the median of three more runs. Prints figures only; nothing is asserted.
 *
 *   npx tsx --conditions=@joyvasa/source packages/model-builder/scripts/time-liveportrait.ts [name …]
 */
import { loadavg } from 'node:os';
// The node backend's source: model-builder itself does not depend on a runtime.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import {
  buildAppearanceFeatureExtractor,
  buildMotionExtractor,
  buildSpadeGenerator,
  buildWarpingModule,
  warpingModuleDefaultConfig,
} from '../src/index.js';
import type { GraphBuilder } from '../src/onnx/index.js';
import { createFormulaSource, formulaInput } from '../src/synthetic/index.js';

interface Target {
  readonly name: string;
  build(): GraphBuilder;
  feeds(): Record<string, TensorLike>;
}

const weights = () => createFormulaSource('timing');
const image = () => ({ img: formulaInput('timing', 'img', [1, 3, 256, 256], 0, 1) });
const warpFeeds = () => ({
  feature_3d: formulaInput('timing', 'feature_3d', [1, 32, 16, 64, 64]),
  kp_driving: formulaInput('timing', 'kp_driving', [1, 21, 3], -0.8, 0.8),
  kp_source: formulaInput('timing', 'kp_source', [1, 21, 3], -0.8, 0.8),
});

const targets: Target[] = [
  {
    name: 'appearance_feature_extractor',
    build: () => buildAppearanceFeatureExtractor(weights()),
    feeds: image,
  },
  { name: 'motion_extractor', build: () => buildMotionExtractor(weights()), feeds: image },
  {
    name: 'warping_module (native)',
    build: () => buildWarpingModule(weights(), { ...warpingModuleDefaultConfig, gridSample: 'native' }),
    feeds: warpFeeds,
  },
  {
    name: 'warping_module (gather)',
    build: () => buildWarpingModule(weights(), { ...warpingModuleDefaultConfig, gridSample: 'gather' }),
    feeds: warpFeeds,
  },
  {
    name: 'spade_generator',
    build: () => buildSpadeGenerator(weights()),
    feeds: () => ({ feature: formulaInput('timing', 'feature', [1, 256, 64, 64]) }),
  },
];

async function time<T>(task: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await task();
  return [result, (performance.now() - start) / 1000];
}

const selected = process.argv.slice(2);
const backend = createOnnxNodeBackend();
console.log(
  `load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
for (const target of targets.filter(
  (t) => selected.length === 0 || selected.some((s) => t.name.includes(s)),
)) {
  const [graph, build] = await time(() => target.build());
  const [bytes, encode] = await time(() => graph.encode());
  const feeds = target.feeds();
  const [session, create] = await time(() => backend.createSession(bytes, { device: 'cpu' }));
  const [, first] = await time(() => session.run(feeds));
  const again: number[] = [];
  for (let i = 0; i < 3; i++) again.push((await time(() => session.run(feeds)))[1]);
  const median = again.sort((a, b) => a - b)[1]!;
  await session.dispose();
  const megabytes = (bytes.byteLength / 2 ** 20).toFixed(1);
  console.log(
    `${target.name.padEnd(30)} ${megabytes.padStart(6)} MB  build ${build.toFixed(2)} s  encode ${encode.toFixed(2)} s  ` +
      `create ${create.toFixed(2)} s  run ${first.toFixed(2)} s  median of 3 more ${median.toFixed(2)} s`,
  );
  console.log(`  ops: ${JSON.stringify(graph.opInventory())}`);
}
console.log(
  `load average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
