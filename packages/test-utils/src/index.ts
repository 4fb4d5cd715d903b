export { describeBackendConformance, maxAbsDiff } from './describe-backend.js';
export {
  type FakeHubDownload,
  type FakeHubFile,
  type FakeModelHub,
  type FakeModelHubOptions,
  patternBytes,
  startFakeModelHub,
} from './fake-model-hub.js';
export {
  type LocalServer,
  startLocalServer,
  startTrickleServer,
  type TrickleServer,
} from './local-server.js';
export { rejectionOf } from './rejection-of.js';
export { failOnCi, requireSharedData, sharedDirectory } from './shared-data.js';
export { affineModel, convModel, gatherModel, mlpModel, type TinyModel, testInput } from './tiny-models.js';
