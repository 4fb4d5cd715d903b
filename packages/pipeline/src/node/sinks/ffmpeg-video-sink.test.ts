import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { InvalidInputError, MissingDependencyError, type RgbImage } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegError } from '../ffmpeg/ffmpeg-error.js';
import { probeMedia } from '../ffmpeg/probe-media.js';
import { createFfmpegVideoSink } from './ffmpeg-video-sink.js';
import { ffmpegVideoArgs, videoSinkSettings } from './video-sink-settings.js';

const haveFfmpeg =
  spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg && process.env.CI === 'true') throw new Error('ffmpeg and ffprobe must be installed on CI');

/** A diagonal gradient with a bright square that moves one step per frame. */
function patternFrame(width: number, height: number, index: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const square = { x: (index * 3) % Math.max(1, width - 8), y: (index * 2) % Math.max(1, height - 8) };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= square.x && x < square.x + 8 && y >= square.y && y < square.y + 8;
      const p = (y * width + x) * 3;
      data[p] = inside ? 240 : (x * 255) / width;
      data[p + 1] = inside ? 240 : (y * 255) / height;
      data[p + 2] = inside ? 30 : 128;
    }
  }
  return { width, height, channels: 3, data };
}

function sine(rate: number, seconds: number): Float32Array {
  return Float32Array.from(
    { length: rate * seconds },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate),
  );
}

/** The streams of a written file, frames counted by decoding. */
const probe = (path: string) => probeMedia(path, { countFrames: true });

async function writeFrames(
  sink: ReturnType<typeof createFfmpegVideoSink>,
  count: number,
  width: number,
  height: number,
  audio?: Parameters<typeof sink.start>[0]['audio'],
) {
  await sink.start({ width, height, fps: 25, frameCount: count, ...(audio && { audio }) });
  for (let i = 0; i < count; i++) await sink.write(patternFrame(width, height, i), i);
  return sink.finish();
}

describe.skipIf(!haveFfmpeg)('createFfmpegVideoSink', () => {
  let dir: string;
  let wavPath: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joyvasa-sink-test-'));
    wavPath = join(dir, 'tone.wav');
    writeFileSync(wavPath, encodeWav(sine(16000, 2), 16000));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes H.264 yuv420p at 25 fps with an AAC track as long as the audio file', async () => {
    const output = join(dir, 'out', 'talking.mp4');
    const sink = createFfmpegVideoSink({ output, audio: { path: wavPath }, preset: 'ultrafast' });
    const result = await writeFrames(sink, 50, 160, 120);
    expect(result).toMatchObject({ frameCount: 50, framesPadded: 0, framesDropped: 0, files: [output] });
    expect(result.audioDurationSeconds).toBeCloseTo(2, 6);
    const { video, audio } = await probe(output);
    expect(video).toMatchObject({ codecName: 'h264', pixelFormat: 'yuv420p', width: 160, height: 120 });
    expect(video).toMatchObject({ frameRate: 25, frameCount: 50 });
    expect(audio?.codecName).toBe('aac');
    expect(Math.abs(video!.duration! - 2)).toBeLessThanOrEqual(0.04);
    expect(Math.abs(video!.duration! - audio!.duration!)).toBeLessThanOrEqual(0.04);
    expect(readdirSync(join(dir, 'out'))).toEqual(['talking.mp4']);
  });

  it('pads with the last frame or drops the excess so the video lasts as long as in-memory PCM', async () => {
    for (const [written, padded, dropped] of [
      [47, 3, 0],
      [55, 0, 5],
    ] as const) {
      const output = join(dir, `pcm-${written}.mp4`);
      const sink = createFfmpegVideoSink({ output, preset: 'ultrafast' });
      const result = await writeFrames(sink, written, 64, 48, {
        pcm: [sine(22050, 2), sine(22050, 2)],
        sampleRate: 22050,
      });
      expect(result).toMatchObject({
        frameCount: 50,
        framesWritten: written,
        framesPadded: padded,
        framesDropped: dropped,
      });
      const { video, audio } = await probe(output);
      expect(video?.frameCount).toBe(50);
      expect(Math.abs(video!.duration! - audio!.duration!)).toBeLessThanOrEqual(0.04);
    }
  });

  it('keeps every frame and writes no audio track without audio', async () => {
    const output = join(dir, 'silent.mkv');
    const result = await writeFrames(createFfmpegVideoSink({ output, preset: 'ultrafast' }), 7, 64, 48);
    expect(result.frameCount).toBe(7);
    const probed = await probe(output);
    expect(probed.video?.frameCount).toBe(7);
    expect(probed.audio).toBeUndefined();
  });

  it('encodes odd sizes by repeating the last row and column', async () => {
    const output = join(dir, 'odd.mp4');
    const result = await writeFrames(
      createFfmpegVideoSink({ output, crf: 0, preset: 'ultrafast' }),
      3,
      33,
      17,
    );
    expect([result.width, result.height]).toEqual([34, 18]);
    expect((await probe(output)).video).toMatchObject({ width: 34, height: 18, pixelFormat: 'yuv420p' });
    const decoded = spawnSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      output,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]);
    const pixels = decoded.stdout;
    expect(pixels.length).toBe(34 * 18 * 3);
    const source = patternFrame(33, 17, 0).data;
    let error = 0;
    for (let y = 0; y < 18; y++) {
      for (let x = 0; x < 34; x++) {
        const from = (Math.min(y, 16) * 33 + Math.min(x, 32)) * 3;
        for (let c = 0; c < 3; c++) error += Math.abs(pixels[(y * 34 + x) * 3 + c]! - source[from + c]!);
      }
    }
    // yuv420p halves chroma resolution, so even at crf 0 colours bleed a little at the square's edges.
    expect(error / pixels.length).toBeLessThan(6);
  });

  it('abort() kills ffmpeg and leaves neither the output nor a partial file', async () => {
    const folder = join(dir, 'aborted');
    const output = join(folder, 'never.mp4');
    const sink = createFfmpegVideoSink({ output, audio: { path: wavPath }, preset: 'ultrafast' });
    await sink.start({ width: 64, height: 48, fps: 25 });
    for (let i = 0; i < 10; i++) await sink.write(patternFrame(64, 48, i), i);
    await sink.abort(new DOMException('stop', 'AbortError'));
    expect(readdirSync(folder)).toEqual([]);
    expect((await rejectionOf(sink.write(patternFrame(64, 48, 10), 10))).message).toBe('stop');
    await sink.abort();
  });

  it('an AbortSignal aborts a sink in the middle of writing', async () => {
    const folder = join(dir, 'signalled');
    const controller = new AbortController();
    const sink = createFfmpegVideoSink({ output: join(folder, 'x.mp4'), signal: controller.signal });
    await sink.start({ width: 640, height: 480, fps: 25 });
    await sink.write(patternFrame(640, 480, 0), 0);
    const pending = sink.write(patternFrame(640, 480, 1), 1);
    controller.abort(new DOMException('cancelled', 'AbortError'));
    await pending.catch(() => {});
    await sink.abort();
    expect((await rejectionOf(sink.finish())).message).toBe('cancelled');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('reports a missing ffmpeg as MissingDependencyError', async () => {
    const sink = createFfmpegVideoSink({ output: join(dir, 'none.mp4'), ffmpegPath: join(dir, 'no-ffmpeg') });
    const error = await rejectionOf(sink.start({ width: 8, height: 8, fps: 25 }));
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/apt-get install ffmpeg.*ffmpegPath/);
  });

  it('carries the stderr tail when ffmpeg fails, and removes the partial file', async () => {
    const fake = join(dir, 'failing-ffmpeg.sh');
    writeFileSync(fake, '#!/bin/sh\necho "Unknown encoder libx264 (fake)" >&2\nexit 3\n');
    chmodSync(fake, 0o755);
    const output = join(dir, 'failed.mp4');
    const sink = createFfmpegVideoSink({ output, ffmpegPath: fake });
    await sink.start({ width: 640, height: 480, fps: 25 });
    const error = await rejectionOf(
      (async () => {
        for (let i = 0; i < 20; i++) await sink.write(patternFrame(640, 480, i), i);
        await sink.finish();
      })(),
    );
    expect(FfmpegError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/exited with code 3.*Unknown encoder libx264 \(fake\)/);
    expect((error as FfmpegError).exitCode).toBe(3);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('refuses an output that names a folder in start(), before any frame is rendered', async () => {
    const folder = join(dir, 'a-folder.mp4');
    mkdirSync(folder);
    const sink = createFfmpegVideoSink({ output: folder });
    const error = await rejectionOf(sink.start({ width: 8, height: 8, fps: 25 }));
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`${folder} is a folder; name the video file to write`);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
    // Under a file: it used to be an untyped ENOTDIR from lstat of the partial file.
    writeFileSync(join(dir, 'plain-file'), 'x');
    const under = join(dir, 'plain-file', 'talking.mp4');
    const below = await rejectionOf(
      createFfmpegVideoSink({ output: under }).start({ width: 8, height: 8, fps: 25 }),
    );
    expect(InvalidInputError.isInstance(below), String(below)).toBe(true);
    expect(below.message).toContain(`${under} lies under a file, not a folder`);
  });

  it('a full disk (a file-size limit on ffmpeg) gives an FfmpegError and leaves no partial file', async () => {
    const folder = join(dir, 'full');
    mkdirSync(folder);
    const limited = join(dir, 'limited-ffmpeg.sh');
    // ulimit -f counts 512-byte blocks in dash: ffmpeg may write 16 KiB, then gets SIGXFSZ / EFBIG.
    writeFileSync(limited, '#!/bin/sh\nulimit -f 32\nexec ffmpeg "$@"\n');
    chmodSync(limited, 0o755);
    const output = join(folder, 'full.mp4');
    const sink = createFfmpegVideoSink({ output, ffmpegPath: limited, crf: 0, preset: 'ultrafast' });
    const error = await rejectionOf(writeFrames(sink, 50, 320, 240));
    expect(FfmpegError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`Writing ${output} failed`);
    // It used to say 'ffmpeg exited with code null. ffmpeg said: (nothing)'.
    expect(error.message).toMatch(
      /ffmpeg was killed by SIGXFSZ \(the file-size limit \(ulimit -f\) was reached/,
    );
    expect((error as FfmpegError).signal).toBe('SIGXFSZ');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('names its temporary file without a video extension, so a leftover never passes for a result', () => {
    const settings = videoSinkSettings({ output: join(dir, 'clip.mkv') });
    expect(settings.partial).toMatch(/\/\.clip\.\d+-[0-9a-f]{8}\.partial$/);
    expect(ffmpegVideoArgs(settings, { width: 8, height: 8, fps: 25 }, undefined).slice(-3)).toEqual([
      '-f',
      'matroska',
      settings.partial,
    ]);
  });

  it('rejects bad options, frames and call order with InvalidInputError', async () => {
    expect(() => createFfmpegVideoSink({ output: join(dir, 'a.avi') })).toThrow(/must end in .mp4/);
    expect(() => createFfmpegVideoSink({ output: join(dir, 'a.mp4'), crf: 99 })).toThrow(/crf/);
    expect(() => createFfmpegVideoSink({ output: join(dir, 'a.mp4'), preset: 'warp' as never })).toThrow(
      /preset/,
    );
    const noAudio = createFfmpegVideoSink({
      output: join(dir, 'a.mp4'),
      audio: { path: join(dir, 'missing.wav') },
    });
    expect((await rejectionOf(noAudio.start({ width: 8, height: 8, fps: 25 }))).message).toMatch(
      /no such file/,
    );
    const nanAudio = createFfmpegVideoSink({
      output: join(dir, 'a.mp4'),
      audio: { pcm: new Float32Array([Number.NaN]), sampleRate: 16000 },
    });
    expect((await rejectionOf(nanAudio.start({ width: 8, height: 8, fps: 25 }))).message).toMatch(/NaN/);
    const badFps = createFfmpegVideoSink({ output: join(dir, 'a.mp4') });
    expect((await rejectionOf(badFps.start({ width: 8, height: 8, fps: 0 }))).message).toMatch(/fps/);

    const sink = createFfmpegVideoSink({ output: join(dir, 'b.mp4'), preset: 'ultrafast' });
    expect(InvalidInputError.isInstance(await rejectionOf(sink.write(patternFrame(8, 8, 0), 0)))).toBe(true);
    await sink.start({ width: 8, height: 8, fps: 25 });
    expect((await rejectionOf(sink.write(patternFrame(8, 6, 0), 0))).message).toMatch(/8x6x3.*8x8 RGB/);
    expect((await rejectionOf(sink.write(patternFrame(8, 8, 1), 1))).message).toMatch(
      /expected frame 0, got 1/,
    );
    const broken = { width: 8, height: 8, channels: 3, data: new Uint8Array(10) } as RgbImage;
    expect((await rejectionOf(sink.write(broken, 0))).message).toMatch(/data holds 10 bytes/);
    expect((await rejectionOf(sink.finish())).message).toMatch(/none were written/);
    expect(existsSync(join(dir, 'b.mp4'))).toBe(false);
  });
});
