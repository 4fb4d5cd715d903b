import { fileURLToPath } from 'node:url';
import { writeBundle } from '@joyvasa/model-builder/node';
import { planSyntheticBundle } from '@joyvasa/model-builder/synthetic';

/**
 * Writes the fixture bundle (tiny networks with formula weights, ~11 MB) to `models/fixture/`, where the
 * dev and preview servers serve it as `/models/fixture/`. It is not a face animation model: it lets the
 * page run end to end without the official weights. For real output, point the page at a bundle written
 * by `joyvasa convert` (copy it under `models/`, or serve it elsewhere with CORS and COEP-friendly headers).
 */
const directory = fileURLToPath(new URL('../models/fixture/', import.meta.url));
const manifest = await writeBundle(directory, planSyntheticBundle('fixture'));
const files = Object.values(manifest.components).length;
console.log(`wrote the ${manifest.name} bundle (${files} components) to ${directory}`);
