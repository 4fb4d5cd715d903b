export { createOnnxNodeBackend, type OnnxNodeBackendOptions } from './onnx-node-backend.js';
