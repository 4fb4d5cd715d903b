/**
 * `@joyvasa/model-builder/onnx`: writing ONNX graphs (our own protobuf writer, opset 20), converting them
 * to float16, and reading a model's inputs and outputs back.
 */
export {
  FLOAT32_OPS,
  type Float16Options,
  type Float16Precision,
  type ModelDtype,
  toFloat16Graph,
} from './float16-graph.js';
export { type Attributes, BATCH_DIM, DEFAULT_OPSET, GraphBuilder, KEEP_BATCH } from './graph-builder.js';
export {
  type AttributeValue,
  encodeOnnxModel,
  type OnnxGraph,
  type OnnxModelOptions,
  type OnnxNode,
  type OnnxValueInfo,
  onnxDataType,
} from './onnx-model.js';
export { ProtobufWriter } from './protobuf-writer.js';
export { readOnnxIo } from './read-onnx-io.js';
