import { join } from 'node:path';
import { writeFixtureModels } from '../src/write-fixture-models.js';

/**
 * Writes the fixture bundle to `models/fixture/` of the example it runs in (`pnpm prepare:models` runs in
 * the example's folder), where the dev and preview servers serve it as `/models/fixture/`. It lets the page
 * run end to end without the official weights. For real output, point the page at a bundle written by
 * `joyvasa convert` (copy it under `models/`, or serve it elsewhere with CORS and COEP-friendly headers).
 */
const directory = join(process.cwd(), 'models', 'fixture');
const manifest = await writeFixtureModels(directory);
const files = Object.values(manifest.components).length;
console.log(`wrote the ${manifest.name} bundle (${files} components) to ${directory}`);
