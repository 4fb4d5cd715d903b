import { InvalidInputError } from '@joyvasa/core';

/**
 * The official rotation matrix (`get_rotation_matrix`) from angles in degrees (pitch about x, yaw about y,
 * roll about z): `R = (Rz · Ry · Rx)ᵀ`, row-major in `out` (9 values). Keypoints are rows, rotated as
 * `x · R`, which equals `(Rz Ry Rx xᵀ)ᵀ`.
 */
export function rotationMatrix(
  pitch: number,
  yaw: number,
  roll: number,
  out: Float32Array | Float64Array = new Float32Array(9),
): Float32Array | Float64Array {
  if (!Number.isFinite(pitch) || !Number.isFinite(yaw) || !Number.isFinite(roll)) {
    throw new InvalidInputError('head pose', `angles must be finite degrees, got ${pitch}, ${yaw}, ${roll}`);
  }
  if (out.length !== 9) throw new InvalidInputError('out', `expected 9 values, got ${out.length}`);
  const toRadians = Math.PI / 180;
  const [cx, sx] = [Math.cos(pitch * toRadians), Math.sin(pitch * toRadians)];
  const [cy, sy] = [Math.cos(yaw * toRadians), Math.sin(yaw * toRadians)];
  const [cz, sz] = [Math.cos(roll * toRadians), Math.sin(roll * toRadians)];
  // M = Rz·Ry·Rx written out; out holds its transpose, so out[3j + i] = M[i][j].
  const m = [
    cz * cy,
    cz * sy * sx - sz * cx,
    cz * sy * cx + sz * sx,
    sz * cy,
    sz * sy * sx + cz * cx,
    sz * sy * cx - cz * sx,
    -sy,
    cy * sx,
    cy * cx,
  ];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[3 * j + i] = m[3 * i + j]!;
  return out;
}
