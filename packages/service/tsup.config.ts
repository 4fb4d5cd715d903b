import { packageConfig } from '../../tools/tsup-config';

export default packageConfig(
  { index: 'src/index.ts', 'live/index': 'src/live/index.ts' },
  { platform: 'node' },
);
