export { createOrtBackend, type OrtBackendDefinition } from './create-ort-backend.js';
export { probeModel } from './probe-model.js';
export type { OrtRuntime } from './wrap-ort-session.js';
