import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from '@joyvasa/core';
import { InvalidInputError } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../ffmpeg/probe-media.js';
import { createLiveFfmpegSink } from './live-ffmpeg-sink.js';

const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg && process.env.CI === 'true') throw new Error('ffmpeg must be installed on CI');

function frame(index: number, width = 63, height = 48): RgbImage {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill((index * 5) % 256) };
}

describe('createLiveFfmpegSink', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joyvasa-live-sink-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!haveFfmpeg)(
    'writes fragmented MP4 that grows while written, audio and video of equal length',
    async () => {
      const output = join(dir, 'live.mp4');
      const sink = createLiveFfmpegSink({ output });
      await sink.start({ width: 63, height: 48, fps: 25, audio: { live: true, sampleRate: 16000 } });
      const sizes: number[] = [];
      for (let i = 0; i < 75; i++) {
        // Each frame's 40 ms of audio first, as a live loop writes them.
        await sink.writeAudio(
          Float32Array.from({ length: 640 }, (_, k) => 0.2 * Math.sin((i * 640 + k) / 9)),
        );
        await sink.write(frame(i), i);
        if (i % 25 === 24) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          sizes.push(statSync(output, { throwIfNoEntry: false })?.size ?? 0);
        }
      }
      expect(await sink.finish()).toEqual({
        frameCount: 75,
        durationSeconds: 3,
        audioSeconds: 3,
        files: [output],
      });
      // Fragments reach the file before the end: it grows while the stream runs.
      expect(sizes[0]).toBeGreaterThan(0);
      expect(sizes.at(-1)!).toBeGreaterThan(sizes[0]!);
      const bytes = readFileSync(output);
      expect(bytes.includes(Buffer.from('moof'))).toBe(true);
      const probed = await probeMedia(output, { countFrames: true });
      expect(probed.video).toMatchObject({ width: 64, height: 48, frameCount: 75 });
      expect(probed.audio).toMatchObject({ sampleRate: 16000 });
      expect(Math.abs(probed.video!.duration! - probed.audio!.duration!)).toBeLessThan(0.07);
    },
  );

  it.skipIf(!haveFfmpeg)('refuses frames of another size and audio it was not started for', async () => {
    const sink = createLiveFfmpegSink({ output: join(dir, 'refuse.mp4') });
    await expect(sink.writeAudio(new Float32Array(4))).rejects.toThrow(/the sink is idle/);
    await sink.start({ width: 32, height: 32, fps: 25 });
    await expect(sink.write(frame(0), 0)).rejects.toThrow(InvalidInputError);
    await expect(sink.writeAudio(new Float32Array(4))).rejects.toThrow(/started without live audio/);
    await sink.abort();
    await expect(sink.write(frame(0, 32, 32), 0)).rejects.toThrow(/aborted/);
  });

  it.skipIf(!haveFfmpeg)(
    'streams to a pipe without listing a file, at the frame rate it is started with',
    async () => {
      const sink = createLiveFfmpegSink({ output: 'pipe:1', format: 'mpegts' });
      await sink.start({ width: 16, height: 16, fps: 10 });
      for (let i = 0; i < 5; i++) await sink.write(frame(i, 16, 16), i);
      expect(await sink.finish()).toEqual({
        frameCount: 5,
        durationSeconds: 0.5,
        audioSeconds: 0,
        files: [],
      });
    },
  );
});
