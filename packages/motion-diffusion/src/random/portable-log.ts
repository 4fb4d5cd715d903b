/**
 * Natural logarithm from +, −, ×, ÷ only (IEEE-exact everywhere), because `Math.log` is only
 * "implementation-approximated" by the ECMAScript spec and may differ in the last bit between engines.
 * Accurate to a few ulp for finite x > 0; that is far below the float32 rounding of the normals it feeds.
 */

const view = new DataView(new ArrayBuffer(8));
const inverseOdd = Array.from({ length: 13 }, (_, k) => 1 / (2 * k + 1));

/** ln(x) for finite x > 0 (NaN otherwise). */
export function portableLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY) return Number.NaN;
  let exponentShift = 0;
  if (x < 2 ** -1000) {
    x *= 2 ** 64;
    exponentShift = -64;
  }
  view.setFloat64(0, x);
  const highWord = view.getUint32(0);
  let exponent = ((highWord >>> 20) & 0x7ff) - 1023 + exponentShift;
  // Same sign and mantissa bits with the exponent field of 1.0: the mantissa m in [1, 2).
  view.setUint32(0, (highWord & 0x800fffff) | 0x3ff00000);
  let mantissa = view.getFloat64(0);
  if (mantissa > Math.SQRT2) {
    mantissa /= 2;
    exponent += 1;
  }
  // ln m = 2 atanh(r), r = (m − 1)/(m + 1), |r| < 0.172: 13 odd terms reach double precision.
  const r = (mantissa - 1) / (mantissa + 1);
  const r2 = r * r;
  let series = 0;
  for (let k = inverseOdd.length - 1; k >= 0; k--) series = series * r2 + inverseOdd[k]!;
  return exponent * Math.LN2 + 2 * r * series;
}
