export {
  createOnnxCapiBackend,
  type OnnxCapiBackend,
  type OnnxCapiBackendOptions,
  onnxCapiBackendName,
} from './capi-backend.js';
export type {
  CudaProviderOptions,
  OnnxCapiSessionOptions,
  TensorRtProviderOptions,
} from './provider-options.js';
