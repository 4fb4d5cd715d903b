import { GraphBuilder } from '../onnx/graph-builder.js';
import { NodeAttributes } from './tfjs-attributes.js';
import { createConversionContext, type TfjsOpConverter, type TfValue } from './tfjs-conversion.js';
import { type TfjsGraphModel, type TfjsNode, tensorIndex, tensorNode } from './tfjs-graph-model.js';
import { TfjsModelError } from './tfjs-model-error.js';
import { spatialOps } from './tfjs-spatial-ops.js';
import { tensorOps } from './tfjs-tensor-ops.js';

/** Every TF op the converter handles: exactly those of BlazeFace, FaceMesh and NanoDet (plus Const/Placeholder). */
export const supportedTfjsOps: readonly string[] = [
  'Const',
  'Placeholder',
  ...Object.keys(spatialOps),
  ...Object.keys(tensorOps),
].sort();

const converters: Readonly<Record<string, TfjsOpConverter>> = { ...spatialOps, ...tensorOps };

/** Options of {@link convertTfjsGraph}. */
export interface ConvertTfjsOptions {
  /** Graph name. */
  readonly name: string;
  /** ONNX names of the graph inputs by Placeholder name; default the Placeholder's name. */
  readonly inputNames?: Readonly<Record<string, string>>;
  /** ONNX names of the outputs by TF tensor name (`Identity_2:0`); default the node name. */
  readonly outputNames?: Readonly<Record<string, string>>;
}

/** Nodes in dependency order, from the outputs back (only what the outputs need). */
function orderNodes(model: TfjsGraphModel): TfjsNode[] {
  const ordered: TfjsNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: { name: string; expanded: boolean }[] = model.outputs.map((output) => ({
    name: tensorNode(output),
    expanded: false,
  }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    const node = model.nodes.get(top.name);
    if (!node) throw new TfjsModelError(top.name, 'an input of the graph names no node');
    if (top.expanded) {
      if (state.get(node.name) !== 'done') ordered.push(node);
      state.set(node.name, 'done');
      continue;
    }
    if (state.has(node.name)) {
      if (state.get(node.name) === 'open') throw new TfjsModelError(node.name, 'the graph has a cycle');
      continue;
    }
    state.set(node.name, 'open');
    stack.push({ name: node.name, expanded: true });
    for (const input of node.input ?? [])
      if (!input.startsWith('^')) stack.push({ name: tensorNode(input), expanded: false });
  }
  return ordered;
}

/**
 * Converts a TF.js graph model to an ONNX graph with the package's {@link GraphBuilder}: TF's NHWC layout is
 * kept between nodes and each convolution, pool or resize runs in NCHW between two transposes; weights are
 * transposed at convert time; shape arithmetic on constants is folded. Unknown batch sizes become 1. Throws
 * {@link TfjsModelError} naming the node for an op outside {@link supportedTfjsOps}.
 */
export function convertTfjsGraph(model: TfjsGraphModel, options: ConvertTfjsOptions): GraphBuilder {
  const g = new GraphBuilder(options.name);
  let current: TfjsNode | undefined;
  const context = createConversionContext(g, () => current!);
  const values = new Map<string, readonly TfValue[]>();
  const tensorValue = (tensor: string): TfValue => {
    const outputs = values.get(tensorNode(tensor));
    const value = outputs?.[tensorIndex(tensor)];
    if (!value)
      throw new TfjsModelError(tensor, `${current?.name ?? 'an output'} reads a tensor no node produced`);
    return value;
  };
  for (const node of orderNodes(model)) {
    current = node;
    values.set(node.name, convertNode(model, node, options, context, tensorValue));
  }
  for (const output of model.outputs) {
    const value = tensorValue(output);
    const name = options.outputNames?.[output] ?? tensorNode(output);
    g.output(context.value(value), name, 'float32', model.outputDims.get(output) ?? []);
  }
  return g;
}

function convertNode(
  model: TfjsGraphModel,
  node: TfjsNode,
  options: ConvertTfjsOptions,
  context: ReturnType<typeof createConversionContext>,
  tensorValue: (tensor: string) => TfValue,
): readonly TfValue[] {
  const attributes = new NodeAttributes(node);
  if (node.op === 'Const') {
    const constant = model.weights.get(node.name);
    if (!constant) throw new TfjsModelError(node.name, 'a Const node has no entry in the weights manifest');
    return [{ constant }];
  }
  if (node.op === 'Placeholder') {
    const name = options.inputNames?.[node.name] ?? node.name;
    return [{ onnx: context.g.input(name, 'float32', attributes.shape('shape', 1)) }];
  }
  const convert = converters[node.op];
  if (!convert)
    throw new TfjsModelError(
      node.name,
      `op ${node.op} is not supported (supported: ${supportedTfjsOps.join(', ')})`,
    );
  const inputs = (node.input ?? []).filter((input) => !input.startsWith('^')).map(tensorValue);
  return convert(context, node, inputs, attributes);
}
