import { packageConfig } from '../../tools/tsup-config';

export default packageConfig({
  index: 'src/index.ts',
  'checkpoint/index': 'src/checkpoint/index.ts',
  'onnx/index': 'src/onnx/index.ts',
  'synthetic/index': 'src/synthetic/index.ts',
  'synthetic/node/index': 'src/synthetic/node/index.ts',
  'tfjs/index': 'src/tfjs/index.ts',
  'tfjs/node/index': 'src/tfjs/node/index.ts',
  'node/index': 'src/node/index.ts',
});
