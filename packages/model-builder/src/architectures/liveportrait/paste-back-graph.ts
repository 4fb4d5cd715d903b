import { graphIo } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';

/**
 * Paste-back as an ONNX graph, so a GPU does it next to the generator instead of the host: the generator's
 * images [N, 3, S, S] in [0, 1] (N frames of one source, pasted in one run) → 8-bit crop (clip · 255, truncated) → bilinear warp into the original's
 * frame (pixel centres at integers, 0 outside the crop, rounded to 8 bits) → `clip(w · warped + (1 − w) ·
 * original, 0, 255)` truncated, in float32. The same arithmetic as the TypeScript `tensorToImage` +
 * `pasteBack`, up to float32 rounding of the sample positions (at most 1 level on rare pixels).
 *
 * Inputs: `image` [N, 3, S, S] float32; `original` [height, width, 3] uint8; `weights` [height, width]
 * float32 (the warped mask template / 255); `inverse` [6] float32, the output → crop affine map
 * (sx = i0·x + i1·y + i2, sy = i3·x + i4·y + i5). Output: `frame` [N, height, width, 3] uint8. Bundles
 * written before batching declare `image` [1, 3, S, S] and `frame` [height, width, 3]; the liveportrait
 * loader still runs those one frame at a time.
 */
export function buildPasteBack(cropSize = 512): GraphBuilder {
  const g = new GraphBuilder('paste_back');
  const { inputs, outputs } = graphIo.pasteBack;
  const image = g.input(inputs.image, 'float32', ['frames', 3, cropSize, cropSize]);
  const original = g.input(inputs.original, 'uint8', ['height', 'width', 3]);
  const weights = g.input(inputs.weights, 'float32', ['height', 'width']);
  const inverse = g.input(inputs.inverse, 'float32', [6]);

  const clipped = g.op('Clip', [image, g.float(0), g.float(1)]);
  const crop = g.op('Floor', [g.mul(clipped, g.float(255))]);
  // [N, S·S, 3]: gathering along axis 1 with [height, width] indices gives [N, height, width, 3].
  const table = g.reshape(g.transpose(crop, [0, 2, 3, 1]), [-1, cropSize * cropSize, 3]);

  const shape = g.op('Shape', [original]);
  const size = (axis: number) => g.squeeze(g.slice(shape, [axis], [axis + 1], [0]), [0]);
  const range = (axis: number) =>
    g.op('Cast', [g.op('Range', [g.int64(0), size(axis), g.int64(1)])], { to: 1 });
  const xs = g.unsqueeze(range(1), [0]);
  const ys = g.unsqueeze(range(0), [1]);
  const coefficient = (i: number) => g.slice(inverse, [i], [i + 1], [0]);
  const sx = g.add(g.mul(xs, coefficient(0)), g.add(g.mul(ys, coefficient(1)), coefficient(2)));
  const sy = g.add(g.mul(xs, coefficient(3)), g.add(g.mul(ys, coefficient(4)), coefficient(5)));
  const x0 = g.op('Floor', [sx]);
  const y0 = g.op('Floor', [sy]);
  const fx = g.sub(sx, x0);
  const fy = g.sub(sy, y0);
  const last = g.float(cropSize - 1);
  const inside = (v: string) =>
    g.op('Cast', [g.op('And', [g.op('GreaterOrEqual', [v, g.float(0)]), g.op('LessOrEqual', [v, last])])], {
      to: 1,
    });
  const clamp = (v: string) => g.op('Clip', [v, g.float(0), last]);

  let warped = '';
  for (const [dx, dy] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ] as const) {
    const xi = dx ? g.add(x0, g.float(1)) : x0;
    const yi = dy ? g.add(y0, g.float(1)) : y0;
    const wx = dx ? fx : g.sub(g.float(1), fx);
    const wy = dy ? fy : g.sub(g.float(1), fy);
    const weight = g.mul(g.mul(wx, wy), g.mul(inside(xi), inside(yi)));
    const index = g.op('Cast', [g.add(g.mul(clamp(yi), g.float(cropSize)), clamp(xi))], { to: 7 });
    const sample = g.mul(g.op('Gather', [table, index], { axis: 1 }), g.unsqueeze(weight, [2]));
    warped = warped ? g.add(warped, sample) : sample;
  }
  const warped8 = g.op('Floor', [g.add(warped, g.float(0.5))]);

  const w = g.unsqueeze(weights, [2]);
  const blended = g.add(g.mul(w, warped8), g.mul(g.sub(g.float(1), w), g.op('Cast', [original], { to: 1 })));
  const frame = g.op('Cast', [g.op('Floor', [g.op('Clip', [blended, g.float(0), g.float(255)])])], { to: 2 });
  g.output(frame, outputs.frame, 'uint8', ['frames', 'height', 'width', 3]);
  return g;
}
