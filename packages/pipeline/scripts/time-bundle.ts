import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';

const bundle = await openModelBundle(createDirectorySource(process.argv[2]!));
const backend = createOnnxNodeBackend();
const zeros = (dims: number[], fill = 0.1) =>
  createTensor(
    'float32',
    dims,
    new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, i) => fill * Math.sin(i)),
  );
const cases: Record<string, Record<string, ReturnType<typeof zeros>>> = {
  warping_module: {
    feature_3d: zeros([1, 8, 2, 64, 64]),
    kp_driving: zeros([1, 21, 3]),
    kp_source: zeros([1, 21, 3], 0.2),
  },
  spade_generator: { feature: zeros([1, 16, 64, 64]) },
  appearance_feature_extractor: { img: zeros([1, 3, 256, 256]) },
  motion_extractor: { img: zeros([1, 3, 256, 256]) },
};
for (const [name, feeds] of Object.entries(cases)) {
  const s = await bundle.createSession(backend, name, { device: 'cpu' });
  await s.run(feeds);
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await s.run(feeds);
  console.log(name, ((performance.now() - t0) / 5).toFixed(1), 'ms');
}
