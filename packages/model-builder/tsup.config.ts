import { packageConfig } from '../../tools/tsup-config';

export default packageConfig({
  index: 'src/index.ts',
  'checkpoint/index': 'src/checkpoint/index.ts',
  'onnx/index': 'src/onnx/index.ts',
  'synthetic/index': 'src/synthetic/index.ts',
  'node/index': 'src/node/index.ts',
});
