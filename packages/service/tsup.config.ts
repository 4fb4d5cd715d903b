import { packageConfig } from '../../tools/tsup-config';

export default packageConfig({ index: 'src/index.ts' }, { platform: 'node' });
