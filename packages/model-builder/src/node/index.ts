export { type GoldenReport, type RunGoldenOptions, runGolden } from './run-golden.js';
