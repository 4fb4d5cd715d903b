/**
 * Hand-written TensorFlow semantics of the converted ops on NHWC float arrays, for the converter's tests:
 * plain loops, no shortcuts, written from TF's documented rules (SAME padding puts the odd pixel at the end;
 * ResizeBilinear's three coordinate rules; depthwise output channel `c·M + m`).
 */

/** An NHWC tensor. */
export interface Nhwc {
  readonly dims: readonly [number, number, number, number];
  readonly data: Float32Array;
}

/** TF's output size and leading pad of one spatial axis. */
export function tfPadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: 'SAME' | 'VALID',
): { out: number; before: number } {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'VALID') return { out: Math.ceil((size - effective + 1) / stride), before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/** Options of the window ops. */
export interface WindowOptions {
  readonly strides: readonly [number, number];
  readonly dilations?: readonly [number, number];
  readonly padding: 'SAME' | 'VALID';
}

function windows(x: Nhwc, kh: number, kw: number, options: WindowOptions) {
  const [, h, w] = x.dims;
  const [dh, dw] = options.dilations ?? [1, 1];
  const rows = tfPadding(h, kh, options.strides[0], dh, options.padding);
  const cols = tfPadding(w, kw, options.strides[1], dw, options.padding);
  /** The input pixel under tap (i, j) of output (oy, ox), or −1 outside the image. */
  const at = (oy: number, ox: number, i: number, j: number): number => {
    const y = oy * options.strides[0] - rows.before + i * dh;
    const xx = ox * options.strides[1] - cols.before + j * dw;
    return y < 0 || y >= h || xx < 0 || xx >= w ? -1 : y * w + xx;
  };
  return { outH: rows.out, outW: cols.out, at };
}

/** Conv2D with an HWIO filter, or depthwise with an HWCM filter (`depthwise`). */
export function conv2d(
  x: Nhwc,
  filter: Float32Array,
  fdims: readonly number[],
  options: WindowOptions,
  depthwise = false,
): Nhwc {
  const [n, , , c] = x.dims;
  const [kh, kw, inC, last] = fdims as [number, number, number, number];
  const outC = depthwise ? inC * last : last;
  const { outH, outW, at } = windows(x, kh, kw, options);
  const out = new Float32Array(n * outH * outW * outC);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let o = 0; o < outC; o++) {
          let sum = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const p = at(oy, ox, i, j);
              if (p < 0) continue;
              const base = (b * x.dims[1] * x.dims[2] + p) * c;
              if (depthwise) {
                const ch = Math.floor(o / last);
                sum += x.data[base + ch]! * filter[((i * kw + j) * inC + ch) * last + (o % last)]!;
              } else {
                for (let ci = 0; ci < inC; ci++)
                  sum += x.data[base + ci]! * filter[((i * kw + j) * inC + ci) * outC + o]!;
              }
            }
          out[((b * outH + oy) * outW + ox) * outC + o] = sum;
        }
  return { dims: [n, outH, outW, outC], data: out };
}

/** MaxPool over a `kh × kw` window; padded taps are ignored. */
export function maxPool(x: Nhwc, kh: number, kw: number, options: WindowOptions): Nhwc {
  const [n, h, w, c] = x.dims;
  const { outH, outW, at } = windows(x, kh, kw, options);
  const out = new Float32Array(n * outH * outW * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const p = at(oy, ox, i, j);
              if (p >= 0) best = Math.max(best, x.data[(b * h * w + p) * c + ch]!);
            }
          out[((b * outH + oy) * outW + ox) * c + ch] = best;
        }
  return { dims: [n, outH, outW, c], data: out };
}

/** ResizeBilinear's source coordinate of output index `i` (TF `legacy`, half-pixel, align-corners). */
function sourceCoordinate(
  i: number,
  inSize: number,
  outSize: number,
  rule: 'asymmetric' | 'half_pixel' | 'align_corners',
): number {
  if (rule === 'align_corners') return outSize > 1 ? (i * (inSize - 1)) / (outSize - 1) : 0;
  const scale = inSize / outSize;
  return rule === 'half_pixel' ? (i + 0.5) * scale - 0.5 : i * scale;
}

/** ResizeBilinear: lower index clamped at 0, upper at size − 1, weight from the unclamped coordinate. */
export function resizeBilinear(
  x: Nhwc,
  outH: number,
  outW: number,
  rule: 'asymmetric' | 'half_pixel' | 'align_corners',
): Nhwc {
  const [n, h, w, c] = x.dims;
  const out = new Float32Array(n * outH * outW * c);
  const taps = (i: number, inSize: number, outSize: number) => {
    const source = sourceCoordinate(i, inSize, outSize, rule);
    const floor = Math.floor(source);
    return { lo: Math.max(floor, 0), hi: Math.min(Math.ceil(source), inSize - 1), t: source - floor };
  };
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++) {
      const ty = taps(oy, h, outH);
      for (let ox = 0; ox < outW; ox++) {
        const tx = taps(ox, w, outW);
        for (let ch = 0; ch < c; ch++) {
          const v = (y: number, xx: number) => x.data[((b * h + y) * w + xx) * c + ch]!;
          const top = v(ty.lo, tx.lo) + (v(ty.lo, tx.hi) - v(ty.lo, tx.lo)) * tx.t;
          const bottom = v(ty.hi, tx.lo) + (v(ty.hi, tx.hi) - v(ty.hi, tx.lo)) * tx.t;
          out[((b * outH + oy) * outW + ox) * c + ch] = top + (bottom - top) * ty.t;
        }
      }
    }
  return { dims: [n, outH, outW, c], data: out };
}

/** Pad of any rank with `[before, after]` per axis and a fill value. */
export function pad(
  data: Float32Array,
  dims: readonly number[],
  pairs: readonly (readonly [number, number])[],
  fill: number,
): { dims: number[]; data: Float32Array } {
  const outDims = dims.map((dim, axis) => dim + pairs[axis]![0] + pairs[axis]![1]);
  const out = new Float32Array(outDims.reduce((a, b) => a * b, 1)).fill(fill);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    let target = 0;
    for (let axis = 0; axis < dims.length; axis++)
      target = target * outDims[axis]! + index[axis]! + pairs[axis]![0];
    out[target] = data[flat]!;
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < dims[axis]!) break;
      index[axis] = 0;
    }
  }
  return { dims: outDims, data: out };
}

/** Transpose of any rank: output axis `k` is input axis `perm[k]`. */
export function transpose(
  data: Float32Array,
  dims: readonly number[],
  perm: readonly number[],
): { dims: number[]; data: Float32Array } {
  const outDims = perm.map((axis) => dims[axis]!);
  const strides = dims.map((_, axis) => dims.slice(axis + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let source = 0;
    for (let k = 0; k < perm.length; k++) source += index[k]! * strides[perm[k]!]!;
    out[flat] = data[source]!;
    for (let k = outDims.length - 1; k >= 0; k--) {
      if (++index[k]! < outDims[k]!) break;
      index[k] = 0;
    }
  }
  return { dims: outDims, data: out };
}
