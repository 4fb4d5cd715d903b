import { type SessionFeed, type SessionOptions, SessionRunError, type TensorSpec } from '@joyvasa/core';
import type { InferenceSession } from 'onnxruntime-common';

/** Free axes fixed for a session (`SessionOptions.fixedAxes`), by name. */
export type FixedAxes = Readonly<Record<string, number>>;

/**
 * `SessionOptions.fixedAxes` as onnxruntime's `freeDimensionOverrides` (absent when none are fixed).
 * onnxruntime-web applies them; onnxruntime-node 1.30 ignores the option (its binding does not read it), so
 * the session wrapper enforces the fixed sizes itself ({@link checkFixedAxes}) and every backend behaves
 * alike, only without the runtime's folding of shape arithmetic there.
 */
export function fixedAxesOption(options: SessionOptions): InferenceSession.SessionOptions {
  const axes = options.fixedAxes;
  return axes && Object.keys(axes).length > 0 ? { freeDimensionOverrides: { ...axes } } : {};
}

/** Specs with every named axis that `axes` fixes replaced by its size. */
export function applyFixedAxes(
  specs: Record<string, TensorSpec> | undefined,
  axes: FixedAxes | undefined,
): Record<string, TensorSpec> | undefined {
  if (!specs || !axes) return specs;
  const fixed: Record<string, TensorSpec> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const dims = spec.dims.map((dim) => (typeof dim === 'string' && dim in axes ? axes[dim]! : dim));
    fixed[name] = { ...spec, dims };
  }
  return fixed;
}

/**
 * Refuses a feed whose size on a fixed axis (named in the model's declared `specs`) is not the fixed one,
 * as a `SessionRunError` naming the input, the axis and both sizes.
 */
export function checkFixedAxes(
  component: string,
  specs: Record<string, TensorSpec> | undefined,
  axes: FixedAxes | undefined,
  feeds: Readonly<Record<string, SessionFeed>>,
): void {
  if (!specs || !axes) return;
  for (const [name, feed] of Object.entries(feeds)) {
    specs[name]?.dims.forEach((dim, axis) => {
      if (typeof dim !== 'string' || !(dim in axes) || feed.dims[axis] === axes[dim]) return;
      throw new SessionRunError(
        component,
        `input ${name} has ${feed.dims[axis]} on axis ${axis} (${dim}), which this session fixed at ${axes[dim]}`,
      );
    });
  }
}
