export { goldenCases } from './cases/index.js';
export {
  compareToGolden,
  type GoldenCase,
  type GoldenComparison,
  type GoldenContext,
  type GoldenManifest,
  type GoldenModule,
  type GoldenStateEntry,
} from './golden-case.js';
export { goldenCommand, goldenUsage } from './golden-command.js';
export { type GoldenReport, type RunGoldenOptions, runGolden } from './run-golden.js';
