/**
 * One frame of generated LivePortrait motion, de-normalised (spec §1.8): what `sampleMotion` of
 * `@joyvasa/motion-diffusion` yields and what the keypoint driver of `@joyvasa/liveportrait` takes. The head
 * pose stays as angles; the driver builds its rotation matrix from them.
 */
export interface MotionFrame {
  /** Expression offsets δ, 21 keypoints × (x, y, z), keypoint-major (63 values). */
  readonly exp: Float32Array;
  readonly scale: number;
  /** Translation (tx, ty, tz); LivePortrait ignores tz. */
  readonly t: Float32Array;
  /** Head pose in degrees: pitch about x, yaw about y, roll about z. */
  readonly pitch: number;
  readonly yaw: number;
  readonly roll: number;
}
