import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { rotateMotionFrame } from './rotated-motion-frame.js';
import { rotationMatrix } from './rotation-matrix.js';

describe('rotateMotionFrame', () => {
  const motion = {
    exp: new Float32Array(63).fill(0.25),
    scale: 1.1,
    t: Float32Array.of(0.1, 0.2, 0.3),
    pitch: 10,
    yaw: 20,
    roll: 30,
  };

  it('builds the float32 rotation from the angles and keeps the rest as it is', () => {
    const frame = rotateMotionFrame(motion);
    expect(frame.rotation).toBeInstanceOf(Float32Array);
    expect(frame.rotation).toEqual(rotationMatrix(10, 20, 30));
    expect(frame.exp).toBe(motion.exp);
    expect(frame.t).toBe(motion.t);
    expect(frame.scale).toBe(1.1);
  });

  it('rejects angles that are not finite', () => {
    expect(() => rotateMotionFrame({ ...motion, yaw: Number.NaN })).toThrow(InvalidInputError);
  });
});
