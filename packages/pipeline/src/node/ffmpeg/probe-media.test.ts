import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { MissingDependencyError } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError } from './ffmpeg-error.js';
import { probeMedia } from './probe-media.js';

const haveFfprobe = spawnSync('ffprobe', ['-version']).status === 0;
if (!haveFfprobe && process.env.CI === 'true') throw new Error('ffprobe must be installed on CI');

describe('probeMedia', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joyvasa-probe-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!haveFfprobe)('reads an audio-only file: rate, channels, duration, no video', async () => {
    const path = join(dir, 'half-second.wav');
    writeFileSync(path, encodeWav(new Float32Array(11025), 22050));
    const probed = await probeMedia(path);
    expect(probed.video).toBeUndefined();
    expect(probed.streams).toHaveLength(1);
    expect(probed.audio).toMatchObject({ codecType: 'audio', codecName: 'pcm_s16le', sampleRate: 22050 });
    expect(probed.audio).toMatchObject({ channels: 1, duration: 0.5 });
    expect(probed.format.duration).toBe(0.5);
    expect(probed.format.size).toBe(44 + 2 * 11025);
  });

  it.skipIf(!haveFfprobe)('says which file ffprobe could not read, with ffprobe named', async () => {
    const path = join(dir, 'not-media.mp4');
    writeFileSync(path, 'plain text, not a video');
    const error = await probeMedia(path).catch((e: unknown) => e);
    expect(FfmpegError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`ffprobe cannot read '${path}': ffprobe exited with code 1`);
  });

  it('names ffprobe and how to install it when it cannot be started', async () => {
    const ffprobePath = join(dir, 'no-such-ffprobe');
    const error = await probeMedia(join(dir, 'any.mp4'), { ffprobePath }).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ dependency: 'ffprobe' });
    expect((error as Error).message).toMatch(
      /no runnable ffprobe at '.*no-such-ffprobe' \(ENOENT\).*apt-get install ffmpeg/,
    );
  });
});
