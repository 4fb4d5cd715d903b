import { packageConfig } from '../../tools/tsup-config';

export default packageConfig({ index: 'src/index.ts', bin: 'src/bin.ts' }, { platform: 'node' });
