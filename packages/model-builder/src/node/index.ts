export { type GoldenReport, type RunGoldenOptions, runGolden } from './run-golden.js';
export { writeBundle } from './write-bundle.js';
