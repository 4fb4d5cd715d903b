import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type Plugin, type UserConfig } from 'vite';
import { createStaticHandler, isolationHeaders } from './create-static-handler.js';

/**
 * Serves the example's `models/` (written by `pnpm prepare:models`) as `/models/` in dev and preview, so the
 * bundle never lands in `dist/`: a deployed page fetches its models from wherever they are hosted.
 */
function serveModels(modelsDirectory: string): Plugin {
  const handler = createStaticHandler([{ prefix: '/models/', directory: modelsDirectory }]);
  return {
    name: 'joyvasa-serve-models',
    configureServer: (server) => void server.middlewares.use((req, res, next) => handler(req, res, next)),
    configurePreviewServer: (server) =>
      void server.middlewares.use((req, res, next) => handler(req, res, next)),
  };
}

/**
 * No node-only module may reach the page: `@joyvasa/pipeline/browser` promises a graph without them.
 * Vite would otherwise stub them with a warning and the page would fail at run time.
 */
function forbidNodeBuiltins(): Plugin {
  return {
    name: 'joyvasa-forbid-node-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || builtinModules.includes(source)) {
        this.error(`${importer ?? 'the page'} imports ${source}; browser code must not import Node modules`);
      }
      return null;
    },
  };
}

/**
 * The Vite config every example shares, for the example whose folder is `exampleDirectory` (a `file:` URL
 * ending in `/`, e.g. `new URL('.', import.meta.url)` in its `vite.config.ts`).
 */
export function exampleViteConfig(exampleDirectory: URL): UserConfig {
  const { version } = JSON.parse(readFileSync(new URL('package.json', exampleDirectory), 'utf8')) as {
    version: string;
  };
  return {
    // Our packages are built from their TypeScript sources (the `@joyvasa/source` export condition, as in the
    // tests), so the page builds without building every package first. An app outside this repository
    // resolves the same imports to each package's dist.
    resolve: { conditions: ['@joyvasa/source', ...defaultClientConditions] },
    define: { __PACKAGE_VERSION__: JSON.stringify(`${version}-source`) },
    plugins: [serveModels(fileURLToPath(new URL('models/', exampleDirectory))), forbidNodeBuiltins()],
    // Cross-origin isolation turns on SharedArrayBuffer, which multi-threaded WASM needs.
    server: { headers: isolationHeaders },
    preview: { headers: isolationHeaders },
    // Pre-bundling would move onnxruntime-web away from the .wasm files it finds next to itself.
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
  };
}
