import type { BundleProvenance, Device, TensorSpec } from '@joyvasa/core';
import type { ModelDtype } from '../onnx/float16-graph.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';

/** One ONNX component to write: its graph (built lazily, one at a time, to bound memory) or ready bytes. */
export interface PlannedComponent {
  /** Builds the graph. Called once, when the component is written. */
  readonly build: () =>
    | GraphBuilder
    | {
        readonly bytes: Uint8Array;
        readonly inputs: Record<string, TensorSpec>;
        readonly outputs: Record<string, TensorSpec>;
      };
  /** File name inside the bundle. Default `<component name>.onnx`. */
  readonly file?: string;
  /**
   * In a float16 bundle ({@link BundlePlan.dtype}), store and compute this component in float16. Only
   * components whose float16 accuracy was measured set it (docs/benchmarks.md); device variants stay float32.
   */
  readonly float16?: boolean;
  /** Per-device variants of the same component (same inputs and outputs), e.g. a gather-based warp for WebGPU. */
  readonly devices?: Partial<Record<Device, { readonly build: () => GraphBuilder; readonly file: string }>>;
  /**
   * Equivalent forms of the component by name (the manifest's `variants`): same inputs, outputs and
   * results, other graphs, stored in the component's precision; a GPU times them at load (issue 21).
   */
  readonly variants?: Readonly<Record<string, { readonly build: () => GraphBuilder; readonly file: string }>>;
}

/** Everything a bundle holds, before it is written. */
export interface BundlePlan {
  readonly name: string;
  readonly version: string;
  readonly provenance: BundleProvenance;
  readonly components: Readonly<Record<string, PlannedComponent>>;
  readonly data?: Readonly<Record<string, unknown>>;
  /** `fp16`: the components marked {@link PlannedComponent.float16} are written in float16. Default `fp32`. */
  readonly dtype?: ModelDtype;
}

/** Input and output specs of a built graph, for the manifest. */
export function graphSpecs(graph: GraphBuilder): {
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
} {
  const built = graph.build();
  const toSpecs = (values: typeof built.inputs) =>
    Object.fromEntries(values.map((value) => [value.name, { type: value.type, dims: [...value.dims] }]));
  return { inputs: toSpecs(built.inputs), outputs: toSpecs(built.outputs) };
}
