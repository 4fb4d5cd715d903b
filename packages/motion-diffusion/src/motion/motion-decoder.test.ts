import { describe, expect, it } from 'vitest';
import { exampleStats } from '../../test/example-template.js';
import { createMotionDecoder } from './motion-decoder.js';
import { motionVectorLength } from './motion-frame.js';
import { motionTemplateFromStats } from './motion-template.js';

const template = motionTemplateFromStats(exampleStats());
const rows = (frames: number) =>
  Float32Array.from({ length: frames * motionVectorLength }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);

describe('createMotionDecoder', () => {
  it('decodes window by window exactly as the whole clip: the smoothing state carries over', () => {
    const clip = rows(12);
    const whole = createMotionDecoder(template).decode(clip);
    const split = createMotionDecoder(template);
    const parts = [
      ...split.decode(clip.subarray(0, 5 * motionVectorLength)),
      ...split.decode(clip.subarray(5 * motionVectorLength)),
    ];
    expect(parts).toEqual(whole);
  });

  it('smooths the pose but not the expression, unless smoothing is off', () => {
    const clip = rows(4);
    const smoothed = createMotionDecoder(template).decode(clip);
    const raw = createMotionDecoder(template, { smoothing: false }).decode(clip);
    expect(smoothed[0]).toEqual(raw[0]);
    expect(smoothed[3]!.exp).toEqual(raw[3]!.exp);
    expect(smoothed[3]!.yaw).not.toBe(raw[3]!.yaw);
    // s_1 = 0.01·v_1 + 0.99·s_0
    expect(smoothed[1]!.scale).toBeCloseTo(0.01 * raw[1]!.scale + 0.99 * raw[0]!.scale, 6);
  });
});
