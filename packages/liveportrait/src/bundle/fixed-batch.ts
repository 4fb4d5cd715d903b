import { concatFirstAxis, createTensor, type Float32Tensor, type TensorLike } from '@joyvasa/core';

/**
 * One batch shape per session (issue 21): a convolution keeps the plan of the last input shape it saw, so
 * a short last batch would rebuild every plan (and spoil a timed choice). The frame loop pads the last
 * batch to the session's size and drops the extra frames after the run.
 */

/** Frames in one item along axis 0 of `tensor`. */
function frameSize(tensor: TensorLike): number {
  return tensor.dims.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * `tensor` [n, …] with its last frame repeated up to `batch` frames ([batch, …]); itself when n = batch.
 * Repeating a real frame (not zeros) keeps the padded runs numerically ordinary.
 */
export function padBatch<T extends TensorLike>(tensor: T, batch: number): T {
  const count = tensor.dims[0] ?? 0;
  if (!Number.isInteger(batch) || count < 1 || count > batch) {
    throw new RangeError(`padBatch: ${count} frames do not fit a batch of ${batch}`);
  }
  if (count === batch) return tensor;
  const size = frameSize(tensor);
  const data = new (tensor.data.constructor as new (length: number) => T['data'])(batch * size);
  (data as Float32Array).set(tensor.data as Float32Array);
  const last = (tensor.data as Float32Array).subarray((count - 1) * size, count * size);
  for (let frame = count; frame < batch; frame++) (data as Float32Array).set(last, frame * size);
  return createTensor(tensor.type, [batch, ...tensor.dims.slice(1)], data) as T;
}

/** The first `count` frames of `tensor` [batch, …]: the real frames of a padded run. */
export function takeFrames<T extends TensorLike>(tensor: T, count: number): T {
  const batch = tensor.dims[0] ?? 0;
  if (!Number.isInteger(count) || count < 1 || count > batch) {
    throw new RangeError(`takeFrames: cannot take ${count} of ${batch} frames`);
  }
  if (count === batch) return tensor;
  const data = (tensor.data as Float32Array).slice(0, count * frameSize(tensor));
  return createTensor(tensor.type, [count, ...tensor.dims.slice(1)], data as T['data']) as T;
}

/** Frames `start` to `start + count` of `tensor` [n, …] (a view, no copy). */
function framesAt(tensor: Float32Tensor, start: number, count: number): Float32Tensor {
  const size = frameSize(tensor);
  const data = tensor.data.subarray(start * size, (start + count) * size);
  return createTensor('float32', [count, ...tensor.dims.slice(1)], data);
}

/** A render pass: images [N, …] for keypoint tensors [N, K, 3] of one source. */
type RenderPass<F, O> = (
  features: F,
  driving: Float32Tensor,
  source: Float32Tensor,
  options: O,
) => Promise<Float32Tensor>;

/**
 * `pass` run at exactly `batch` frames, as sessions opened with that batch fixed require: fewer frames are
 * padded (the last one repeated) and the extra images dropped; more are rendered `batch` at a time.
 */
export function inFixedBatches<F, O>(pass: RenderPass<F, O>, batch: number): RenderPass<F, O> {
  return async (features, driving, source, options) => {
    const count = driving.dims[0]!;
    if (count === batch) return pass(features, driving, source, options);
    const images: Float32Tensor[] = [];
    for (let start = 0; start < count; start += batch) {
      const frames = Math.min(batch, count - start);
      const drivingBatch = padBatch(framesAt(driving, start, frames), batch);
      const sourceBatch = padBatch(framesAt(source, start, frames), batch);
      images.push(takeFrames(await pass(features, drivingBatch, sourceBatch, options), frames));
    }
    return concatFirstAxis(images);
  };
}
