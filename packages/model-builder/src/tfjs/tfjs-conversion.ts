import { createTensor } from '@joyvasa/core';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { NodeAttributes } from './tfjs-attributes.js';
import type { TfjsNode } from './tfjs-graph-model.js';
import { TfjsModelError } from './tfjs-model-error.js';
import type { TfjsTensor } from './tfjs-weights.js';

/**
 * A TF tensor during conversion: an ONNX value, or a constant known at convert time (weights, shapes), which
 * becomes an initializer only when an ONNX node needs it. Layouts are TF's: NHWC stays NHWC between nodes.
 */
export interface TfValue {
  readonly onnx?: string;
  readonly constant?: TfjsTensor;
}

/** What an op converter works with. */
export interface ConversionContext {
  readonly g: GraphBuilder;
  /** The ONNX name of a value; a constant is added as an initializer on first use. */
  value(value: TfValue | undefined): string;
  /** The convert-time value of a constant input, or a {@link TfjsModelError} naming the node. */
  constant(value: TfValue | undefined, what: string): TfjsTensor;
}

/** Converts one TF node: its inputs in order (control edges dropped) to its outputs in order. */
export type TfjsOpConverter = (
  context: ConversionContext,
  node: TfjsNode,
  inputs: readonly TfValue[],
  attributes: NodeAttributes,
) => readonly TfValue[];

/** Creates the context of one conversion over `g`. */
export function createConversionContext(g: GraphBuilder, node: () => TfjsNode): ConversionContext {
  const initialisers = new WeakMap<TfjsTensor, string>();
  return {
    g,
    value(value) {
      if (value?.onnx) return value.onnx;
      const constant = value?.constant;
      if (!constant) throw new TfjsModelError(node().name, `${node().op} has a missing input`);
      let name = initialisers.get(constant);
      if (!name) {
        name = g.initializer(createTensor(constant.dtype, constant.dims, constant.data as never));
        initialisers.set(constant, name);
      }
      return name;
    },
    constant(value, what) {
      if (value?.constant) return value.constant;
      throw new TfjsModelError(node().name, `${node().op}: ${what} must be a constant of the graph`);
    },
  };
}

/** `[0, 3, 1, 2]`: TF's NHWC into ONNX's NCHW. */
export const nhwcToNchw = [0, 3, 1, 2] as const;
/** `[0, 2, 3, 1]`: back to NHWC. */
export const nchwToNhwc = [0, 2, 3, 1] as const;

/** Runs an NCHW ONNX op on an NHWC value: transpose in, op, transpose out (ORT folds adjacent pairs). */
export function inNchw(g: GraphBuilder, x: string, body: (nchw: string) => string): string {
  return g.transpose(body(g.transpose(x, nhwcToNchw)), nchwToNhwc);
}

/** A constant's values as plain numbers. */
export function numbers(tensor: TfjsTensor): number[] {
  return Array.from(tensor.data);
}
