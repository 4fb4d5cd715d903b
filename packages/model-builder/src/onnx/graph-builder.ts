import { createTensor, type DimPattern, type DType, type TensorLike } from '@joyvasa/core';
import { type Float16Precision, type ModelDtype, toFloat16Graph } from './float16-graph.js';
import {
  type AttributeValue,
  encodeOnnxModel,
  type OnnxGraph,
  type OnnxModelOptions,
  type OnnxNode,
  type OnnxValueInfo,
} from './onnx-model.js';

/** The opset every graph of this package is built for (5-D GridSample needs 20). */
export const DEFAULT_OPSET = 20;

/**
 * In a Reshape target shape: keep the input's size on that axis (ONNX's 0, `allowzero` = 0). Used on axis 0,
 * it lets one graph run any batch.
 */
export const KEEP_BATCH = 0;

/** The name of the free batch dimension in graph input and output specs. */
export const BATCH_DIM = 'batch';

/** Node attributes; plain numbers and number arrays are ints, floats use `{ float }` / `{ floats }`. */
export type Attributes = Readonly<Record<string, AttributeValue | number | readonly number[] | string>>;

function normaliseAttribute(value: AttributeValue | number | readonly number[] | string): AttributeValue {
  if (typeof value === 'number') return { int: value };
  if (typeof value === 'string') return { string: value };
  if (Array.isArray(value)) return { ints: value as readonly number[] };
  return value as AttributeValue;
}

/**
 * Builds an ONNX graph node by node. Values are tensor names (strings); every method that adds a node
 * returns its output name. Node and initializer names carry the current {@link GraphBuilder.scope}.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers = new Map<string, TensorLike>();
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly constants = new Map<string, string>();
  private readonly scopes: string[] = [];
  private readonly coordinates = new Set<string>();
  private readonly precisions = new Map<string, Float16Precision>();
  private counter = 0;

  /**
   * @param name Graph name.
   * @param options `conv3dAsConv2d`: layer helpers emit each 3-D convolution as a sum of 2-D convolutions
   *   over its depth taps (for runtimes whose Conv3D kernel is slow, such as the WebGPU execution provider).
   */
  constructor(
    readonly name: string,
    readonly options: { readonly conv3dAsConv2d?: boolean } = {},
  ) {}

  /** Runs `body` with `name` appended to the naming scope (for readable node names). */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  private fresh(base: string): string {
    const prefix = this.scopes.length > 0 ? `${this.scopes.join('/')}/` : '';
    return `${prefix}${base}_${this.counter++}`;
  }

  /** Declares a graph input. */
  input(name: string, type: DType, dims: readonly DimPattern[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  /** Declares a graph output, renaming the value through Identity when needed. */
  output(value: string, name: string, type: DType, dims: readonly DimPattern[]): void {
    if (value !== name)
      this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [name], name, attributes: {} });
    this.outputs.push({ name, type, dims });
  }

  /**
   * Marks a graph input or initializer as coordinates (keypoints, a sampling grid): a float16 encoding
   * keeps every non-convolution node computed from it in float32.
   */
  coordinate(value: string): string {
    this.coordinates.add(value);
    return value;
  }

  /**
   * Fixes the precision the node computing `value` has in a float16 encoding, whatever its op: `'float32'`
   * keeps a product of coordinates exact, `'float16'` lets a normalisation read and write float16 (the
   * provider accumulates in float32) with no Casts around it. Returns `value`.
   */
  keepPrecision(value: string, precision: Float16Precision): string {
    this.precisions.set(value, precision);
    return value;
  }

  /**
   * Appends `next`'s nodes after this graph's and feeds `next`'s inputs named in `links` from this graph's
   * values (`{ feature: 'out' }`): one graph, so the linked values stay on the device. `next`'s other names
   * get the prefix `prefix/` (its unlinked inputs and its outputs keep theirs); the outputs become `next`'s.
   */
  chain(next: GraphBuilder, links: Readonly<Record<string, string>>, prefix: string): this {
    const kept = new Set([...next.inputs, ...next.outputs].map((value) => value.name));
    for (const name of kept) {
      if (!(name in links) && (this.initializers.has(name) || this.inputs.some((i) => i.name === name)))
        throw new Error(`chain: ${name} names a value of both graphs`);
    }
    const rename = (value: string) =>
      value === '' ? value : (links[value] ?? (kept.has(value) ? value : `${prefix}/${value}`));
    for (const [name, tensor] of next.initializers) this.initializer(tensor, rename(name));
    for (const input of next.inputs) if (!(input.name in links)) this.inputs.push(input);
    for (const node of next.nodes) {
      this.nodes.push({
        ...node,
        name: `${prefix}/${node.name}`,
        inputs: node.inputs.map(rename),
        outputs: node.outputs.map(rename),
      });
    }
    for (const value of next.coordinates) this.coordinates.add(rename(value));
    for (const [value, precision] of next.precisions) this.precisions.set(rename(value), precision);
    this.outputs.splice(0, this.outputs.length, ...next.outputs);
    return this;
  }

  /** Adds a weight tensor. The data is referenced, not copied. */
  initializer(tensor: TensorLike, name?: string): string {
    const key = name ?? this.fresh('w');
    if (this.initializers.has(key)) throw new Error(`initializer ${key} defined twice`);
    this.initializers.set(key, tensor);
    return key;
  }

  private constant(type: 'float32' | 'int64', values: readonly number[], dims: readonly number[]): string {
    const cacheKey = `${type}:${dims.join('x')}:${values.join(',')}`;
    const cached = this.constants.get(cacheKey);
    if (cached) return cached;
    const data =
      type === 'float32' ? Float32Array.from(values) : BigInt64Array.from(values, (value) => BigInt(value));
    const name = this.initializer(createTensor(type, dims, data), `const_${this.constants.size}`);
    this.constants.set(cacheKey, name);
    return name;
  }

  /** A float32 constant; a scalar when `values` is a number. */
  float(values: number | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant('float32', list, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** An int64 constant; a scalar when `values` is a number. */
  int64(values: number | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant('int64', list, dims ?? (typeof values === 'number' ? [] : [list.length]));
  }

  /** Adds a node with one output. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, domain?: string): string {
    return this.opN(opType, inputs, 1, attributes, domain)[0]!;
  }

  /** Adds a node with `count` outputs. */
  opN(
    opType: string,
    inputs: readonly string[],
    count: number,
    attributes: Attributes = {},
    domain?: string,
  ): string[] {
    const name = this.fresh(opType);
    const outputs = Array.from({ length: count }, (_, i) => (count === 1 ? name : `${name}:${i}`));
    const normalised = Object.fromEntries(
      Object.entries(attributes).map(([key, value]) => [key, normaliseAttribute(value)]),
    );
    this.nodes.push({ opType, inputs, outputs, name, attributes: normalised, ...(domain ? { domain } : {}) });
    return outputs;
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  relu(x: string): string {
    return this.op('Relu', [x]);
  }
  sigmoid(x: string): string {
    return this.op('Sigmoid', [x]);
  }
  leakyRelu(x: string, alpha: number): string {
    return this.op('LeakyRelu', [x], { alpha: { float: alpha } });
  }
  softmax(x: string, axis: number): string {
    return this.op('Softmax', [x], { axis });
  }
  /** Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`, as PyTorch's default computes it. */
  gelu(x: string): string {
    const erf = this.op('Erf', [this.mul(x, this.float(Math.SQRT1_2))]);
    return this.mul(this.mul(x, this.float(0.5)), this.add(erf, this.float(1)));
  }
  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.int64(shape)]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm });
  }
  concat(values: readonly string[], axis: number): string {
    return this.op('Concat', values, { axis });
  }
  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.int64(axes)]);
  }
  squeeze(x: string, axes: readonly number[]): string {
    return this.op('Squeeze', [x, this.int64(axes)]);
  }
  /** Slice along `axes` from `starts` to `ends` (exclusive). */
  slice(x: string, starts: readonly number[], ends: readonly number[], axes: readonly number[]): string {
    return this.op('Slice', [x, this.int64(starts), this.int64(ends), this.int64(axes)]);
  }
  /** `x` (batch 1, `rank` axes) repeated along axis 0 to the batch of `like`: Expand to [N, 1, …, 1]. */
  expandBatch(x: string, like: string, rank: number): string {
    const batch = this.op('Shape', [like], { start: 0, end: 1 });
    return this.op('Expand', [x, this.concat([batch, this.int64(new Array(rank - 1).fill(1))], 0)]);
  }
  reduceMean(x: string, axes: readonly number[], keepdims = true): string {
    return this.op('ReduceMean', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 });
  }
  reduceSum(x: string, axes: readonly number[], keepdims = true): string {
    return this.op('ReduceSum', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 });
  }

  /** The finished graph; `'fp16'` stores and computes it in float16 (see {@link toFloat16Graph}). */
  build(dtype: ModelDtype = 'fp32'): OnnxGraph {
    const graph: OnnxGraph = {
      name: this.name,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
    };
    if (dtype === 'fp32') return graph;
    return toFloat16Graph(graph, { coordinates: [...this.coordinates], precisions: this.precisions });
  }

  /** The finished graph as ONNX model bytes; `dtype: 'fp16'` stores and computes it in float16. */
  encode(options: Partial<OnnxModelOptions> & { readonly dtype?: ModelDtype } = {}): Uint8Array {
    const { dtype = 'fp32', ...model } = options;
    return encodeOnnxModel(this.build(dtype), { opset: DEFAULT_OPSET, ...model });
  }

  /** Op types used and how often: the op inventory reported for each graph. */
  opInventory(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const node of this.nodes) counts[node.opType] = (counts[node.opType] ?? 0) + 1;
    return counts;
  }
}
