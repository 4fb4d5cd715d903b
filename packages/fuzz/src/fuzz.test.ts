import { describe, expect, it } from 'vitest';
import { formatFuzzReport } from './fuzz-cli.js';
import { fuzzTargets } from './fuzz-targets.js';
import { runCase } from './fuzz-worker.js';
import { runFuzz } from './run-fuzz.js';

describe('fuzz suite (fixed seed, short)', () => {
  it('gives no untyped error and no hang on any target', async () => {
    const report = await runFuzz({ seed: 20261201, casesPerTarget: 150, deadlineMs: 30_000 });
    const lines = formatFuzzReport(report);
    console.log(lines.join('\n'));
    expect(report.totals.cases).toBe(150 * fuzzTargets.length);
    expect(report.untyped, lines.join('\n')).toEqual([]);
    expect(report.hangs, lines.join('\n')).toEqual([]);
    // Both sides are exercised: some cases are accepted, some refused with typed errors.
    for (const [name, counts] of Object.entries(report.byTarget)) {
      expect(counts.typed, name).toBeGreaterThan(0);
    }
  });

  it('reproduces a case from its target, seed and index, and counts a plain Error as untyped', async () => {
    const request = { target: 'pickle', seed: 7, index: 3 };
    expect(await runCase(request)).toMatchObject({ outcome: (await runCase(request)).outcome });
    expect(await runCase({ target: 'nope', seed: 1, index: 0 })).toMatchObject({ outcome: 'untyped' });
  });
});
