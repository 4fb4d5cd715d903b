import { join } from 'node:path';
import { build } from 'vite';

/**
 * Builds an example's pages with its own `vite.config.ts` into `outDir`. `pages` maps entry names to HTML
 * files relative to the example's folder (`{ main: 'index.html', harness: 'tests/harness.html' }`).
 */
export async function buildExample(
  exampleDirectory: string,
  outDir: string,
  pages: Readonly<Record<string, string>>,
): Promise<void> {
  const input = Object.fromEntries(
    Object.entries(pages).map(([name, file]) => [name, join(exampleDirectory, file)]),
  );
  await build({
    configFile: join(exampleDirectory, 'vite.config.ts'),
    root: exampleDirectory,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rolldownOptions: { input } },
  });
}
