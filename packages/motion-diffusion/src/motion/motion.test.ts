import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { exampleStats } from '../../test/example-template.js';
import { denormaliseMotion, motionFrame } from './motion-frame.js';
import { motionTemplateFromStats, resolveMotionTemplate } from './motion-template.js';
import { createPoseSmoother } from './pose-smoother.js';

describe('motion template', () => {
  it('reads the pickle key names and lists every missing key', () => {
    const template = motionTemplateFromStats(exampleStats());
    // Scale, translation, pitch, yaw, roll: the synthetic statistics' minima.
    expect(resolveMotionTemplate(template).poseMin).toEqual(
      Float64Array.from([1.35, -0.04, -0.04, -0.02, -15, -20, -10]),
    );
    const { std_exp: _, max_roll: __, ...partial } = exampleStats();
    expect(() => motionTemplateFromStats(partial)).toThrow(/std_exp, max_roll/);
    expect(() => motionTemplateFromStats({ ...exampleStats(), min_t: [0, 0] })).toThrow(InvalidInputError);
    expect(() => motionTemplateFromStats({ ...exampleStats(), max_yaw: [Number.NaN] })).toThrow(
      InvalidInputError,
    );
  });

  it('de-normalises z-scored expression and min-max pose without epsilon', () => {
    const stats = exampleStats();
    const template = resolveMotionTemplate(motionTemplateFromStats(stats));
    const row = Float32Array.from({ length: 140 }, (_, i) => Math.sin(i));
    const [first, second] = denormaliseMotion(row, template);
    expect(first!.exp[10]).toBeCloseTo(Math.sin(10) * stats.std_exp![10]! + stats.mean_exp![10]!, 6);
    // Scale spans 1.35 to 1.65 and roll -10 to 10 in the synthetic statistics.
    expect(first!.pose[0]).toBeCloseTo(Math.sin(63) * 0.3 + 1.35, 6);
    expect(second!.pose[6]).toBeCloseTo(Math.sin(139) * 20 - 10, 6);
  });
});

describe('createPoseSmoother', () => {
  it('is the official EMA: s0 = v0, s_k = 0.01 v_k + 0.99 s_(k-1), the same in one or many calls', () => {
    const poses = Array.from({ length: 30 }, (_, k) =>
      Float64Array.from({ length: 7 }, (_, i) => Math.cos(k + i)),
    );
    const smoother = createPoseSmoother();
    const smoothed = poses.map((pose) => {
      const copy = Float64Array.from(pose);
      smoother.apply(copy);
      return copy;
    });
    let state = Array.from(poses[0]!);
    expect([...smoothed[0]!]).toEqual(state);
    for (let k = 1; k < 30; k++) {
      state = state.map((s, i) => 0.01 * poses[k]![i]! + 0.99 * s);
      for (let i = 0; i < 7; i++) expect(smoothed[k]![i]).toBeCloseTo(state[i]!, 12);
    }
    expect(() => createPoseSmoother(0)).toThrow(InvalidInputError);
  });

  it('leaves expression alone and carries the smoothed angles, from which LivePortrait builds the rotation', () => {
    const exp = new Float32Array(63).fill(0.25);
    const frame = motionFrame(exp, [1.1, 0.1, 0.2, 0.3, 10, 20, 30.1]);
    expect(frame.exp).toBe(exp);
    expect([...frame.t].map((v) => Number(v.toFixed(6)))).toEqual([0.1, 0.2, 0.3]);
    expect([frame.scale, frame.pitch, frame.yaw, frame.roll]).toEqual([
      Math.fround(1.1),
      10,
      20,
      Math.fround(30.1),
    ]);
  });
});
