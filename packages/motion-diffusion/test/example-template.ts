/** Test fixture: motion-template statistics with the pickle's key names, plus keys inference ignores. */
export function exampleStats(): Record<string, unknown> {
  return {
    mean_exp: Float32Array.from({ length: 63 }, (_, i) => 0.01 * i),
    std_exp: Float32Array.from({ length: 63 }, (_, i) => 0.5 + 0.001 * i),
    min_scale: [0.8],
    max_scale: [1.2],
    min_t: [-0.1, -0.2, -0.3],
    max_t: [0.1, 0.2, 0.3],
    min_pitch: [-20],
    max_pitch: [15],
    min_yaw: [-30],
    max_yaw: [30],
    min_roll: [-10],
    max_roll: [12],
    mean_R: new Float32Array(9),
    abs_max_exp: new Float32Array(63),
  };
}
