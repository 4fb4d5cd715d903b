import { describe, expect, it } from 'vitest';
import { fixture, values } from '../../test/checkpoint-fixtures.js';
import { writePickle } from '../synthetic/pickle-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { motionTemplateSizes, readMotionTemplateStats } from './motion-template-stats.js';

describe('readMotionTemplateStats', () => {
  it('reads every statistic inference needs from a motion-template-like pickle', () => {
    const { stats } = readMotionTemplateStats(fixture('motion-template-like.pkl'));
    for (const [key, size] of Object.entries(motionTemplateSizes)) expect(stats[key]).toHaveLength(size);
    expect(stats.mean_exp).toEqual(Array.from(Float32Array.from(values(63, 0.25, -3))));
  });

  it('names what is missing, and refuses a pickle that is not a dict', () => {
    expect(() => readMotionTemplateStats(writePickle(new Map([['mean_exp', 1]])), 'stats.pkl')).toThrow(
      /stats\.pkl.*std_exp \(63 values\) is missing/,
    );
    expect(() => readMotionTemplateStats(writePickle([1, 2]))).toThrow(CheckpointError);
  });
});
