import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { createStaticHandler, isolationHeaders } from './scripts/create-static-handler.js';

/**
 * Serves `models/` (written by `pnpm prepare:models`) as `/models/` in dev and preview, so the bundle
 * never lands in `dist/`: a deployed page fetches its models from wherever they are hosted.
 */
function serveModels(): Plugin {
  const handler = createStaticHandler([
    { prefix: '/models/', directory: fileURLToPath(new URL('./models/', import.meta.url)) },
  ]);
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

const version = (
  JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export default defineConfig({
  // Our packages are built from their TypeScript sources (the `@joyvasa/source` export condition, as in the
  // tests), so the page builds without building every package first. An app outside this repository
  // resolves the same imports to each package's dist.
  resolve: { conditions: ['@joyvasa/source', ...defaultClientConditions] },
  define: { __PACKAGE_VERSION__: JSON.stringify(`${version}-source`) },
  plugins: [serveModels(), forbidNodeBuiltins()],
  // Cross-origin isolation turns on SharedArrayBuffer, which multi-threaded WASM needs.
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // Pre-bundling would move onnxruntime-web away from the .wasm files it finds next to itself.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
