import { once } from 'node:events';
import { MissingDependencyError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { missingFfmpeg, spawnFfmpeg } from './spawn-ffmpeg.js';

describe('spawnFfmpeg', () => {
  it('keeps the last 4 KiB of stderr, trimmed', async () => {
    // Node stands in for ffmpeg: only the process handling is under test.
    const script = "process.stderr.write('a'.repeat(5000) + 'b'.repeat(96) + ' ready \\n')";
    const { child, stderrTail } = spawnFfmpeg(process.execPath, ['-e', script], ['ignore', 'ignore', 'pipe']);
    await once(child, 'close');
    expect(stderrTail()).toBe(`${'a'.repeat(4096 - 96 - 8)}${'b'.repeat(96)} ready`);
  });
});

describe('missingFfmpeg', () => {
  const failure = (code: string) => Object.assign(new Error(`spawn ${code}`), { code });

  it('says how to install ffmpeg when it is missing or not executable', () => {
    for (const code of ['ENOENT', 'EACCES']) {
      const error = missingFfmpeg('ffmpeg', failure(code));
      expect(MissingDependencyError.isInstance(error)).toBe(true);
      expect(error.message).toMatch(new RegExp(`no runnable ffmpeg on PATH \\(${code}\\)`));
      expect(error.cause).toMatchObject({ code });
    }
    expect(missingFfmpeg('/opt/ffmpeg', failure('ENOENT')).message).toMatch(/at '\/opt\/ffmpeg'/);
  });

  it('passes other errors through', () => {
    const other = failure('EPERM');
    expect(missingFfmpeg('ffmpeg', other)).toBe(other);
  });
});
