import { packageConfig } from '../../tools/tsup-config';

export default packageConfig(
  {
    index: 'src/index.ts',
    'node/index': 'src/node/index.ts',
    'browser/index': 'src/browser/index.ts',
  },
  // mediabunny (MPL-2.0, unmodified) is bundled into the browser build: as a dependency it would install
  // @types/dom-webcodecs, which TypeScript 5.9 loads into every app without a `types` list and which
  // clashes with its DOM types (TS2717 without skipLibCheck).
  { noExternal: ['mediabunny'] },
);
