import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAbortError, MissingDependencyError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureHead } from '../../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../../test/synthetic-media.js';
import { probeMedia } from './ffmpeg/probe-media.js';

const haveFfmpeg =
  spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg && process.env.CI === 'true') throw new Error('ffmpeg and ffprobe must be installed on CI');

const fixture = useFixtureHead();
let wav: string;
beforeAll(async () => {
  wav = join(fixture.workspace.directory, 'speech.wav');
  await writeFile(wav, chirpWav(0.4));
});

/** A fresh, empty output folder: after a failure it must still be empty (no partial or hidden file). */
async function outputFolder(name: string): Promise<string> {
  const folder = join(fixture.workspace.directory, name);
  await mkdir(folder, { recursive: true });
  return folder;
}

describe('NodeTalkingHead generate()', () => {
  it('collects frames in memory when there is no output', async () => {
    const result = await fixture.head.generate({ image: texturedImage(100, 80), audio: chirpWav(0.12) });
    expect([result.frameCount, result.fps, result.durationSeconds]).toEqual([3, 25, 0.12]);
    expect(result.frames?.map((f) => [f.width, f.height])).toEqual([
      [100, 80],
      [100, 80],
      [100, 80],
    ]);
  });

  it.skipIf(!haveFfmpeg)('writes an H.264 + AAC mp4 at 25 fps with the audio file muxed in', async () => {
    const output = join(await outputFolder('video'), 'out.mp4');
    const result = await fixture.head.generate({ image: texturedImage(120, 90), audio: wav }, { output });
    expect(result.frameCount).toBe(10);
    expect(result.sink?.files).toEqual([output]);
    const { video, audio } = await probeMedia(output, { countFrames: true });
    expect([video?.codecName, video?.frameRate, video?.frameCount]).toEqual(['h264', 25, 10]);
    expect(audio?.codecName).toBe('aac');
  });

  it.skipIf(!haveFfmpeg)('stops on abort with an AbortError and leaves no file', async () => {
    const folder = await outputFolder('aborted');
    const controller = new AbortController();
    const error = await rejectionOf(
      fixture.head.generate(
        { image: texturedImage(120, 90), audio: wav },
        {
          output: join(folder, 'out.mp4'),
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'frame' && event.index === 1) controller.abort();
          },
        },
      ),
    );
    expect(isAbortError(error), `${error.name}: ${error.message}`).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  it('does not start when the signal is already aborted', async () => {
    const folder = await outputFolder('pre-aborted');
    const error = await rejectionOf(
      fixture.head.generate(
        { image: texturedImage(120, 90), audio: wav },
        { output: join(folder, 'out.mp4'), signal: AbortSignal.abort() },
      ),
    );
    expect(isAbortError(error), `${error.name}: ${error.message}`).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  it('reports a missing ffmpeg as a MissingDependencyError and leaves no file', async () => {
    const folder = await outputFolder('no-ffmpeg');
    const ffmpegPath = join(fixture.workspace.directory, 'no-such-ffmpeg');
    expect(existsSync(ffmpegPath)).toBe(false);
    const error = await rejectionOf(
      fixture.head.generate(
        { image: texturedImage(120, 90), audio: wav },
        { output: join(folder, 'out.mp4'), ffmpegPath },
      ),
    );
    expect(MissingDependencyError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
    expect(error.message).toContain(`no runnable ffmpeg at '${ffmpegPath}'`);
    expect(await readdir(folder)).toEqual([]);
  });
});
