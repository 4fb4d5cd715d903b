import { createTensor, type DType, type TensorLike } from '@joyvasa/core';
import { toHalfArray } from './half-float.js';
import { type OnnxGraph, type OnnxNode, onnxDataType } from './onnx-model.js';

/** How a graph stores and computes its floats: float32 everywhere, or float16 where it is accurate. */
export type ModelDtype = 'fp32' | 'fp16';

/**
 * Ops that always compute in float32 in a float16 graph: their inputs are cast up and their outputs back
 * down. Normalisations and softmax reduce over many values (a float16 sum loses the mean and the
 * variance); GridSample turns coordinates into interpolation weights.
 */
export const FLOAT32_OPS: ReadonlySet<string> = new Set([
  'InstanceNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'Softmax',
  'GridSample',
]);

/** Ops that do the arithmetic of a network: always float16, and what they compute is no coordinate. */
const COMPUTE_OPS: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'MatMul', 'Gemm']);

/** Ops that only move values: they keep the precision their input already has, so no cast is added. */
const LAYOUT_OPS: ReadonlySet<string> = new Set([
  'Reshape',
  'Transpose',
  'Unsqueeze',
  'Squeeze',
  'Identity',
  'Expand',
  'Concat',
  'Split',
  'Slice',
  'Gather',
]);

/** Float inputs (by op and index) that ONNX requires to be float32 whatever the data type. */
const FLOAT32_INPUTS: Readonly<Record<string, readonly number[]>> = { Resize: [2] };

/** What {@link toFloat16Graph} keeps in float32 beyond {@link FLOAT32_OPS}. */
export interface Float16Options {
  /**
   * Graph inputs or initializers that hold coordinates (keypoints, sampling grids). Every node fed by one,
   * other than a convolution or matrix product, stays float32, and so does what it computes.
   */
  readonly coordinates?: readonly string[];
  /** Node outputs whose node computes in the given precision, overriding every rule above. */
  readonly precisions?: ReadonlyMap<string, Float16Precision>;
}

/** The precision one node computes in, in a float16 graph. */
export type Float16Precision = 'float16' | 'float32';
type Precision = Float16Precision;
const CAST_TO: Readonly<Record<Precision, number>> = { float16: onnxDataType.float16, float32: 1 };
const dtypeOfCode = new Map<number, DType>(
  Object.entries(onnxDataType).map(([type, code]) => [code, type as DType]),
);

/** The element type of a node's outputs, from its inputs' types (the rules of the ops our graphs use). */
function outputType(node: OnnxNode, typeOf: (value: string) => DType | undefined): DType | undefined {
  switch (node.opType) {
    case 'Shape':
    case 'Size':
    case 'ArgMax':
    case 'ArgMin':
      return 'int64';
    case 'Equal':
    case 'Less':
    case 'Greater':
    case 'LessOrEqual':
    case 'GreaterOrEqual':
    case 'Not':
    case 'And':
    case 'Or':
      return 'bool';
    case 'Cast': {
      const to = node.attributes.to;
      return to && 'int' in to ? dtypeOfCode.get(to.int) : undefined;
    }
    case 'Where':
      return typeOf(node.inputs[1]!);
    default:
      return typeOf(node.inputs[0]!);
  }
}

/** The float32 → float16 rewrite of one graph: values, casts and the new node list. */
class Float16Rewrite {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, TensorLike>();
  private readonly types = new Map<string, DType>();
  /** Float values: the name each is available under in each precision. */
  private readonly available = new Map<string, Partial<Record<Precision, string>>>();
  private readonly coordinates: Set<string>;
  private readonly precisions: ReadonlyMap<string, Precision>;

  constructor(
    private readonly graph: OnnxGraph,
    options: Float16Options,
  ) {
    this.coordinates = new Set(options.coordinates ?? []);
    this.precisions = options.precisions ?? new Map();
    for (const [name, tensor] of graph.initializers) {
      this.types.set(name, tensor.type);
      if (tensor.type === 'float32') this.available.set(name, { float32: name });
    }
    for (const input of graph.inputs) {
      this.types.set(input.name, input.type);
      if (input.type === 'float32') this.available.set(input.name, { float32: input.name });
    }
  }

  private isFloat(value: string): boolean {
    return value !== '' && this.types.get(value) === 'float32';
  }

  /** `value` in `precision`: itself, a float16 copy of an initializer, or a (shared) Cast. */
  private use(value: string, precision: Precision): string {
    const names = this.available.get(value)!;
    const ready = names[precision];
    if (ready) return ready;
    const name = `${value}/${precision}`;
    const initializer = this.graph.initializers.get(value);
    if (initializer && precision === 'float16') {
      this.initializers.set(
        name,
        createTensor('float16', initializer.dims, toHalfArray(initializer.data as Float32Array)),
      );
    } else {
      const from = names.float16 ?? names.float32!;
      this.nodes.push({
        opType: 'Cast',
        inputs: [from],
        outputs: [name],
        name,
        attributes: { to: { int: CAST_TO[precision] } },
      });
    }
    names[precision] = name;
    return name;
  }

  private precisionOf(node: OnnxNode, floatInputs: readonly string[]): Precision {
    const fixed = this.precisions.get(node.outputs[0]!);
    if (fixed) return fixed;
    if (FLOAT32_OPS.has(node.opType)) return 'float32';
    if (COMPUTE_OPS.has(node.opType)) return 'float16';
    if (floatInputs.some((value) => this.coordinates.has(value))) return 'float32';
    if (LAYOUT_OPS.has(node.opType))
      return floatInputs.some((value) => !this.available.get(value)!.float16) ? 'float32' : 'float16';
    return 'float16';
  }

  /** Rewrites one node (in topological order). */
  add(node: OnnxNode): void {
    const type = outputType(node, (value) => this.types.get(value));
    for (const output of node.outputs) if (type) this.types.set(output, type);
    const floatInputs = node.inputs.filter((value) => this.isFloat(value));
    if (type !== 'float32' || floatInputs.length === 0) {
      // No float result (Shape of a float value, comparisons, casts): any copy will do, one for all inputs.
      const common: Precision = floatInputs.every((value) => this.available.get(value)!.float16)
        ? 'float16'
        : 'float32';
      const inputs = node.inputs.map((value) => (this.isFloat(value) ? this.use(value, common) : value));
      this.nodes.push({ ...node, inputs });
      if (type === 'float32')
        for (const output of node.outputs) this.available.set(output, { float32: output });
      return;
    }
    const precision = this.precisionOf(node, floatInputs);
    const fixed = FLOAT32_INPUTS[node.opType] ?? [];
    const inputs = node.inputs.map((value, index) =>
      this.isFloat(value) ? this.use(value, fixed.includes(index) ? 'float32' : precision) : value,
    );
    this.nodes.push({ ...node, inputs });
    const coordinate =
      precision === 'float32' &&
      !FLOAT32_OPS.has(node.opType) &&
      floatInputs.some((value) => this.coordinates.has(value));
    for (const output of node.outputs) {
      this.available.set(output, { [precision]: output });
      if (coordinate) this.coordinates.add(output);
    }
  }

  /** Graph outputs keep their float32 type: a float16 result is cast up under the output's name. */
  finish(): OnnxGraph {
    const renamed = new Map<string, string>();
    for (const output of this.graph.outputs) {
      const names = this.available.get(output.name);
      if (!names || names.float32 === output.name) continue;
      renamed.set(output.name, `${output.name}/float16`);
    }
    const nodes = this.nodes.map((node) => ({
      ...node,
      inputs: node.inputs.map((value) => renamed.get(value) ?? value),
      outputs: node.outputs.map((value) => renamed.get(value) ?? value),
    }));
    for (const [output, half] of renamed) {
      nodes.push({
        opType: 'Cast',
        inputs: [half],
        outputs: [output],
        name: `${output}/cast`,
        attributes: { to: { int: 1 } },
      });
    }
    const used = new Set(nodes.flatMap((node) => node.inputs));
    const initializers = new Map<string, TensorLike>();
    for (const [name, tensor] of [...this.graph.initializers, ...this.initializers]) {
      if (used.has(name)) initializers.set(name, tensor);
    }
    return { ...this.graph, nodes, initializers };
  }
}

/**
 * The graph computing in float16: float32 weights become float16 and every node runs in float16, except
 * {@link FLOAT32_OPS} and the nodes computing coordinates (`options.coordinates`), which stay float32 with
 * Casts at their borders. Inputs and outputs keep their float32 types, so callers feed and read the same
 * tensors as with the float32 graph. The nodes must be in topological order (as {@link GraphBuilder} emits).
 */
export function toFloat16Graph(graph: OnnxGraph, options: Float16Options = {}): OnnxGraph {
  const rewrite = new Float16Rewrite(graph, options);
  for (const node of graph.nodes) rewrite.add(node);
  return rewrite.finish();
}
