export { createOnnxWebBackend, type OnnxWebBackendOptions } from './onnx-web-backend.js';
