import { describe, expect, it } from 'vitest';
import { compareLevels, pipelineTolerances } from './pipeline-compare.js';

/**
 * A 1000-value frame pair built from the golden README's frames figures (mean ≤ 0.5 level, max ≤ 8 levels,
 * at most 0.5 % of the values more than 2 levels off): `far` values off by `farBy`, `near` values off by 1.
 */
function framePair(far: number, farBy: number, near: number) {
  const golden = new Uint8Array(1000).fill(100);
  const ours = Uint8Array.from(golden);
  for (let i = 0; i < far; i++) ours[i] = 100 + farBy;
  for (let i = far; i < far + near; i++) ours[i] = 99;
  const rows = compareLevels(
    'frames',
    'frame0',
    ours,
    { type: 'uint8', dims: [1000], data: golden },
    pipelineTolerances.frame,
  );
  return Object.fromEntries(rows.map((row) => [row.output.replace('frame0 ', ''), row.passed]));
}

describe('the pipeline frames tolerance', () => {
  it('passes a pair at every bound of the golden README', () => {
    // 5 values 8 off (0.5 %), 460 values 1 off: mean (40 + 460) / 1000 = 0.5.
    expect(framePair(5, 8, 460)).toEqual({ '[mean]': true, '[max]': true, '[share >2]': true });
  });

  it('fails a pair whose mean is just over 0.5 level', () => {
    expect(framePair(5, 8, 461)).toEqual({ '[mean]': false, '[max]': true, '[share >2]': true });
  });

  it('fails a pair with one value 9 levels off', () => {
    expect(framePair(1, 9, 0)).toEqual({ '[mean]': true, '[max]': false, '[share >2]': true });
  });

  it('fails a pair with 0.6 % of the values 3 levels off', () => {
    expect(framePair(6, 3, 0)).toEqual({ '[mean]': true, '[max]': true, '[share >2]': false });
  });
});
