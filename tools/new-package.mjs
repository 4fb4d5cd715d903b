// Writes package.json, tsconfig.json and tsup.config.ts for a workspace package.
// Usage: node tools/new-package.mjs <dir> <name> "<description>" [subpath ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description, ...subpaths] = process.argv.slice(2);
const root = join('packages', dir);
mkdirSync(join(root, 'src'), { recursive: true });
const entries = { index: 'src/index.ts' };
const exports = {};
const exportFor = (entry) => ({
  '@joyvasa/source': `./src/${entry}.ts`,
  types: `./dist/${entry}.d.ts`,
  default: `./dist/${entry}.js`,
});
exports['.'] = exportFor('index');
for (const sub of subpaths) {
  entries[`${sub}/index`] = `src/${sub}/index.ts`;
  exports[`./${sub}`] = exportFor(`${sub}/index`);
}
exports['./package.json'] = './package.json';
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  exports,
  files: ['dist', 'src', '!src/**/*.test.ts', 'README.md'],
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
    'check:package': 'publint --strict && attw --pack . --profile esm-only',
  },
  repository: { type: 'git', url: 'git+https://github.com/joyvasa-ts/joyvasa-ts.git', directory: root },
};
if (!existsSync(join(root, 'package.json')))
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(root, 'tsconfig.json'),
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', '../../tools/globals.d.ts'] }, null, 2)}\n`,
);
writeFileSync(
  join(root, 'tsup.config.ts'),
  `import { packageConfig } from '../../tools/tsup-config';\n\nexport default packageConfig(${JSON.stringify(entries)});\n`,
);
