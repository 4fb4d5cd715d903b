import { packageConfig } from '../../tools/tsup-config';

export default packageConfig({
  index: 'src/index.ts',
  'node/index': 'src/node/index.ts',
  internal: 'src/internal.ts',
});
