import { defineConfig } from 'vite';
// A relative import, not '@joyvasa/example-kit': Vite bundles a config's relative imports but loads
// packages with plain Node, which cannot run the kit's TypeScript.
import { exampleViteConfig } from '../kit/src/example-vite-config.js';

export default defineConfig(exampleViteConfig(new URL('.', import.meta.url)));
