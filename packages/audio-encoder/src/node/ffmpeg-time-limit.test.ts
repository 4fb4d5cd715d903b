import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFfmpegAudioDecoder, ffmpegTimeLimitMs } from './ffmpeg-audio-decoder.js';

/** True once `pid` no longer exists (polled for at most two seconds). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

// An ffmpeg that never finishes (as on /dev/urandom or a sparse giant) used to run until killed by hand.
describe('ffmpeg audio decoding time limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'joyvasa-ffmpeg-limit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('kills an ffmpeg that runs past the time limit and says so with a typed error', async () => {
    const stuck = join(dir, 'stuck-ffmpeg');
    await writeFile(stuck, `#!/bin/sh\necho $$ > '${join(dir, 'pid')}'\nexec sleep 20\n`);
    await chmod(stuck, 0o755);
    const input = join(dir, 'speech.mp3');
    await writeFile(input, 'not really mp3');
    const decoder = createFfmpegAudioDecoder({ ffmpegPath: stuck, timeLimitMs: 300 });
    const error = await rejectionOf(decoder.decodeFile(input, { maxDurationSeconds: 1 }));
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toMatch(
      /did not finish decoding it within 0\.3 s, the time allowed for 1 s of audio/,
    );
    expect(await gone(Number(await readFile(join(dir, 'pid'), 'utf8')))).toBe(true);
  });

  it('allows time in proportion to the allowed duration', () => {
    expect(ffmpegTimeLimitMs(600)).toBe(360_000);
    expect(ffmpegTimeLimitMs(10)).toBe(65_000);
  });
});
