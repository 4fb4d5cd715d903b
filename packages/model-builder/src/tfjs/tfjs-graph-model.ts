import { TfjsModelError } from './tfjs-model-error.js';
import { decodeWeightGroups, type TfjsTensor, type TfjsWeightGroup } from './tfjs-weights.js';

/** One attribute of a TF graph node as model.json writes it (protobuf JSON: int64 as strings). */
export interface TfjsAttribute {
  readonly i?: string | number;
  readonly f?: number;
  readonly b?: boolean;
  readonly s?: string;
  readonly type?: string;
  readonly list?: {
    readonly i?: readonly (string | number)[];
    readonly s?: readonly string[];
    readonly f?: readonly number[];
  };
  readonly shape?: { readonly dim?: readonly { readonly size?: string | number }[] };
  readonly tensor?: unknown;
}

/** One node of the graph: `input` names are `node`, `node:k` (output k) or `^node` (control edge). */
export interface TfjsNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, TfjsAttribute>>;
}

/** model.json of a TF.js graph model (format `graph-model`). */
export interface TfjsModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string;
  readonly modelTopology: { readonly node: readonly TfjsNode[] };
  readonly weightsManifest: readonly TfjsWeightGroup[];
  readonly signature?: TfjsSignature;
  readonly userDefinedMetadata?: { readonly signature?: TfjsSignature };
}

/** Inputs and outputs by signature key; `name` is the tensor (`node:0`). */
export interface TfjsSignature {
  readonly inputs?: Readonly<Record<string, TfjsSignatureEntry>>;
  readonly outputs?: Readonly<Record<string, TfjsSignatureEntry>>;
}

/** One signature tensor. */
export interface TfjsSignatureEntry {
  readonly name: string;
  readonly tensorShape?: { readonly dim?: readonly { readonly size?: string | number }[] };
}

/** A parsed graph model: nodes by name, every weight decoded to float32 or int32. */
export interface TfjsGraphModel {
  readonly nodes: ReadonlyMap<string, TfjsNode>;
  readonly weights: ReadonlyMap<string, TfjsTensor>;
  /** Graph inputs (Placeholder nodes), in file order. */
  readonly inputs: readonly string[];
  /** Output tensor names (`node:k`), from the signature, else every node nobody consumes. */
  readonly outputs: readonly string[];
  /** Output dims from the signature (unknown sizes as 1: one image per run), by output tensor name. */
  readonly outputDims: ReadonlyMap<string, readonly number[]>;
  readonly generatedBy: string | undefined;
}

/**
 * Parses model.json and its weight shards. `readShard` gives the bytes of one path of the weights manifest
 * (relative to model.json); shards of one group are concatenated before decoding, as TF.js writes them.
 */
export async function readTfjsGraphModel(
  source: string,
  json: TfjsModelJson,
  readShard: (path: string) => Promise<Uint8Array>,
): Promise<TfjsGraphModel> {
  if (json.format !== undefined && json.format !== 'graph-model')
    throw new TfjsModelError(source, `format is "${json.format}", only "graph-model" is supported`);
  const list = json.modelTopology?.node;
  if (!Array.isArray(list)) throw new TfjsModelError(source, 'modelTopology.node is missing');
  const nodes = new Map(list.map((node) => [node.name, node]));
  const weights = await decodeWeightGroups(source, json.weightsManifest ?? [], readShard);
  const inputs = list.filter((node) => node.op === 'Placeholder').map((node) => node.name);
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  const entries = Object.values(signature?.outputs ?? {});
  const outputs = entries.length > 0 ? entries.map((output) => output.name).sort() : unconsumedOutputs(list);
  const outputDims = new Map(
    entries.map((entry) => [
      entry.name,
      (entry.tensorShape?.dim ?? []).map((dim) => Math.max(1, Number(dim.size ?? 1))),
    ]),
  );
  for (const output of outputs)
    if (!nodes.has(tensorNode(output)))
      throw new TfjsModelError(source, `output ${output} names no node of the graph`);
  return { nodes, weights, inputs, outputs, outputDims, generatedBy: json.generatedBy };
}

/** The node a tensor name such as `conv:1` or `^conv` belongs to. */
export function tensorNode(tensor: string): string {
  const name = tensor.startsWith('^') ? tensor.slice(1) : tensor;
  const colon = name.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(name.slice(colon + 1)) ? name.slice(0, colon) : name;
}

/** The output index a tensor name refers to (`conv` and `conv:0` are 0). */
export function tensorIndex(tensor: string): number {
  const colon = tensor.lastIndexOf(':');
  const tail = colon > 0 ? tensor.slice(colon + 1) : '';
  return /^\d+$/.test(tail) ? Number(tail) : 0;
}

function unconsumedOutputs(list: readonly TfjsNode[]): string[] {
  const consumed = new Set(list.flatMap((node) => (node.input ?? []).map(tensorNode)));
  return list
    .filter((node) => !consumed.has(node.name) && node.op !== 'Const')
    .map((node) => `${node.name}:0`);
}
