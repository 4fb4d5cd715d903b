import type { DimPattern, DType, TensorLike } from '@joyvasa/core';
import { version } from '../version.js';
import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX TensorProto.DataType codes of the element types we use. */
export const onnxDataType: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
};

/** An attribute value with an explicit ONNX attribute type. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: TensorLike };

/** One node of a graph. */
export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly domain?: string;
}

/** A graph input or output with its type and dimensions. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: DType;
  readonly dims: readonly DimPattern[];
}

/** A complete graph. */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers: ReadonlyMap<string, TensorLike>;
}

/** Model-level fields. */
export interface OnnxModelOptions {
  /** Default-domain opset. */
  readonly opset: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
}

const attributeTypes = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

function rawBytes(tensor: TensorLike): Uint8Array {
  const data = tensor.data;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function encodeTensor(name: string, tensor: TensorLike): ProtobufWriter {
  const writer = new ProtobufWriter();
  writer.packedVarints(1, tensor.dims);
  writer.varint(2, onnxDataType[tensor.type]);
  writer.string(8, name);
  writer.bytes(9, rawBytes(tensor));
  return writer;
}

function encodeAttribute(name: string, value: AttributeValue): ProtobufWriter {
  const writer = new ProtobufWriter().string(1, name);
  if ('int' in value) writer.varint(3, value.int).varint(20, attributeTypes.int);
  else if ('float' in value) writer.float(2, value.float).varint(20, attributeTypes.float);
  else if ('string' in value) writer.string(4, value.string).varint(20, attributeTypes.string);
  else if ('ints' in value) writer.packedVarints(8, value.ints).varint(20, attributeTypes.ints);
  else if ('floats' in value) writer.packedFloats(7, value.floats).varint(20, attributeTypes.floats);
  else writer.message(5, encodeTensor('', value.tensor)).varint(20, attributeTypes.tensor);
  return writer;
}

function encodeNode(node: OnnxNode): ProtobufWriter {
  const writer = new ProtobufWriter();
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, node.name);
  writer.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes))
    writer.message(5, encodeAttribute(name, value));
  if (node.domain) writer.string(7, node.domain);
  return writer;
}

function encodeValueInfo(info: OnnxValueInfo): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const dim of info.dims) {
    const dimension = new ProtobufWriter();
    if (typeof dim === 'number') dimension.varint(1, dim);
    else if (typeof dim === 'string') dimension.string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = new ProtobufWriter().varint(1, onnxDataType[info.type]).message(2, shape);
  const type = new ProtobufWriter().message(1, tensorType);
  return new ProtobufWriter().string(1, info.name).message(2, type);
}

/** Serialises a graph as an ONNX ModelProto (IR version 9). */
export function encodeOnnxModel(graph: OnnxGraph, options: OnnxModelOptions): Uint8Array {
  const graphWriter = new ProtobufWriter();
  for (const node of graph.nodes) graphWriter.message(1, encodeNode(node));
  graphWriter.string(2, graph.name);
  for (const [name, tensor] of graph.initializers) graphWriter.message(5, encodeTensor(name, tensor));
  for (const input of graph.inputs) graphWriter.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) graphWriter.message(12, encodeValueInfo(output));

  const model = new ProtobufWriter();
  model.varint(1, 9);
  model.string(2, options.producerName ?? '@joyvasa/model-builder');
  model.string(3, options.producerVersion ?? version);
  if (options.docString) model.string(6, options.docString);
  model.message(7, graphWriter);
  model.message(8, new ProtobufWriter().string(1, '').varint(2, options.opset));
  const domains = new Set(
    graph.nodes.map((node) => node.domain).filter((domain): domain is string => !!domain),
  );
  for (const domain of domains) model.message(8, new ProtobufWriter().string(1, domain).varint(2, 1));
  return model.finish();
}
