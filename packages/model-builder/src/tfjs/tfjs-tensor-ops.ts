import { numbers, type TfjsOpConverter, type TfValue } from './tfjs-conversion.js';
import { TfjsModelError } from './tfjs-model-error.js';
import type { TfjsTensor } from './tfjs-weights.js';

function withData(like: TfjsTensor, dims: readonly number[], values: readonly number[]): TfjsTensor {
  const data = like.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
  return { dtype: like.dtype, dims, data };
}

/** Adds two constants of one shape (or one scalar): the shape arithmetic onnx-tf leaves in the graph. */
function foldAdd(a: TfjsTensor, b: TfjsTensor): TfjsTensor | null {
  if (a.dtype !== b.dtype) return null;
  if (a.data.length === b.data.length && a.dims.join() === b.dims.join())
    return withData(
      a,
      a.dims,
      numbers(a).map((value, i) => value + b.data[i]!),
    );
  if (b.data.length === 1)
    return withData(
      a,
      a.dims,
      numbers(a).map((value) => value + b.data[0]!),
    );
  if (a.data.length === 1)
    return withData(
      b,
      b.dims,
      numbers(b).map((value) => value + a.data[0]!),
    );
  return null;
}

const add: TfjsOpConverter = (context, _node, [a, b]) => {
  const folded = a?.constant && b?.constant ? foldAdd(a.constant, b.constant) : null;
  if (folded) return [{ constant: folded }];
  return [{ onnx: context.g.add(context.value(a), context.value(b)) }];
};

/**
 * SparseToDense of constants (onnx-tf builds reshape targets with it): `default` everywhere, `values` at the
 * row-major positions `indices` (`[n]` or `[n, rank]`) of `shape`.
 */
export function sparseToDense(
  indices: TfjsTensor,
  shape: TfjsTensor,
  values: TfjsTensor,
  fallback: TfjsTensor,
): TfjsTensor {
  const dims = numbers(shape);
  const out = new Array<number>(dims.reduce((product, dim) => product * dim, 1)).fill(fallback.data[0] ?? 0);
  const rank = indices.dims.length === 2 ? indices.dims[1]! : 1;
  const count = indices.dims[0] ?? 0;
  for (let n = 0; n < count; n++) {
    let flat = 0;
    for (let r = 0; r < rank; r++) flat = flat * (dims[r] ?? 1) + indices.data[n * rank + r]!;
    out[flat] = values.data.length === 1 ? values.data[0]! : values.data[n]!;
  }
  return withData(values, dims, out);
}

const sparseToDenseOp: TfjsOpConverter = (context, _node, inputs) => {
  const [indices, shape, values, fallback] = inputs.map((input, i) => context.constant(input, `input ${i}`));
  return [{ constant: sparseToDense(indices!, shape!, values!, fallback!) }];
};

const reshape: TfjsOpConverter = (context, _node, [x, shape]) => {
  const target = context.g.int64(numbers(context.constant(shape, 'the shape')));
  return [{ onnx: context.g.op('Reshape', [context.value(x), target]) }];
};

const concat: TfjsOpConverter = (context, _node, inputs) => {
  const axis = numbers(context.constant(inputs[inputs.length - 1], 'the axis'))[0]!;
  return [
    {
      onnx: context.g.concat(
        inputs.slice(0, -1).map((input) => context.value(input)),
        axis,
      ),
    },
  ];
};

const splitV: TfjsOpConverter = (context, node, [x, sizes, axis], attributes) => {
  const split = numbers(context.constant(sizes, 'size_splits'));
  if (split.some((size) => size < 0))
    throw new TfjsModelError(node.name, 'SplitV with an inferred (−1) size is not supported');
  const count = attributes.int('num_split', split.length);
  const dim = numbers(context.constant(axis, 'split_dim'))[0]!;
  const outputs = context.g.opN('Split', [context.value(x), context.g.int64(split)], count, { axis: dim });
  return outputs.map((onnx): TfValue => ({ onnx }));
};

const transpose: TfjsOpConverter = (context, _node, [x, perm]) => [
  { onnx: context.g.transpose(context.value(x), numbers(context.constant(perm, 'the permutation'))) },
];

/** Converters of element-wise and shape ops, by TF op name. */
export const tensorOps: Readonly<Record<string, TfjsOpConverter>> = {
  Add: add,
  AddV2: add,
  Identity: (_context, _node, [x]) => [x!],
  Relu: (context, _node, [x]) => [{ onnx: context.g.relu(context.value(x)) }],
  Sigmoid: (context, _node, [x]) => [{ onnx: context.g.sigmoid(context.value(x)) }],
  LeakyRelu: (context, _node, [x], attributes) => [
    { onnx: context.g.leakyRelu(context.value(x), attributes.float('alpha', 0.2)) },
  ],
  Prelu: (context, _node, [x, alpha]) => [
    { onnx: context.g.op('PRelu', [context.value(x), context.value(alpha)]) },
  ],
  Reshape: reshape,
  ConcatV2: concat,
  SplitV: splitV,
  Transpose: transpose,
  SparseToDense: sparseToDenseOp,
};
