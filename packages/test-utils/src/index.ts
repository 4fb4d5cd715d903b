export { describeBackendConformance, maxAbsDiff } from './describe-backend.js';
export { convModel, gatherModel, mlpModel, type TinyModel, testInput } from './tiny-models.js';
