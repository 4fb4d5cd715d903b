import { defineConfig } from 'vitest/config';

// Tests import each package's TypeScript source through the `@joyvasa/source` export condition: no build needed.
const shared = {
  resolve: { conditions: ['@joyvasa/source', 'module', 'browser', 'development|production'] },
  ssr: { resolve: { conditions: ['@joyvasa/source', 'module', 'node', 'development|production'] } },
  define: { __PACKAGE_VERSION__: JSON.stringify('0.0.0-source') },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.media.test.ts', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'media',
          include: ['packages/*/src/**/*.media.test.ts', 'tests/**/*.media.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        ...shared,
        // The web build in headless Chromium (examples/web/tests): builds the example with Vite, serves it,
        // and drives /usr/bin/chromium through playwright-core. Slow (WASM, SwiftShader WebGPU).
        test: {
          name: 'browser',
          include: ['examples/*/tests/**/*.test.ts'],
          // One Chromium at a time: each file builds the site and starts its own browser.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
