export {
  type FetchedFile,
  type FetchOfficialWeightsOptions,
  fetchOfficialWeights,
} from './fetch-official-weights.js';
export { type GoldenReport, type RunGoldenOptions, runGolden } from './run-golden.js';
export { writeBundle } from './write-bundle.js';
