import { describe, expect, it } from 'vitest';
import { sinusoidRows } from './sinusoid-table.js';

describe('sinusoidRows', () => {
  it('matches sin/cos(p · 10000^(-2i/d)) computed in float64', () => {
    const dim = 256;
    const table = sinusoidRows(0, 600, dim);
    let worst = 0;
    for (let p = 0; p < 600; p++) {
      for (let i = 0; i < dim / 2; i++) {
        const angle = p * 10000 ** (-(2 * i) / dim);
        worst = Math.max(worst, Math.abs(table.data[p * dim + 2 * i]! - Math.sin(angle)));
        worst = Math.max(worst, Math.abs(table.data[p * dim + 2 * i + 1]! - Math.cos(angle)));
      }
    }
    // float32 rounding of the angle grows with p: about 600 · 2^-24 at the end of the table.
    expect(worst).toBeLessThan(1e-4);
    expect(worst).toBeGreaterThan(0);
  });

  it('gives the same row whatever the table size, so T+1 or 501 rows of TE agree', () => {
    const fromFull = sinusoidRows(0, 501, 64).data.slice(37 * 64, 38 * 64);
    expect(sinusoidRows(37, 1, 64).data).toEqual(fromFull);
    expect(sinusoidRows(0, 51, 64).data.slice(37 * 64, 38 * 64)).toEqual(fromFull);
  });

  it('starts with sin 0 = 0 and cos 0 = 1 and rejects odd widths', () => {
    const row = sinusoidRows(0, 1, 8).data;
    expect([...row]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(() => sinusoidRows(0, 1, 7)).toThrow(/even/);
  });
});
