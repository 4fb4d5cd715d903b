import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../decode-wav.js';
import { encodeWav, type WavSampleFormat } from '../encode-wav.js';
import { mixToMono } from '../mix-to-mono.js';
import { resample } from '../resample.js';
import { decodeAudio } from './decode-audio.js';
import { createFfmpegAudioDecoder } from './ffmpeg-audio-decoder.js';

const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg && process.env.CI === 'true')
  throw new Error('ffmpeg must be installed on CI to run these tests');

function ffmpeg(...args: string[]): Buffer {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function tone(rate: number, frequency: number, seconds: number): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * i) / rate),
  );
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe.skipIf(!haveFfmpeg)('decodeAudio (Node, ffmpeg)', () => {
  let dir: string;
  const left = tone(44100, 440, 1.5);
  const right = tone(44100, 2500, 1.5);
  let wavPath: string;
  let flacPath: string;
  let longPath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'joyvasa-decode-test-'));
    wavPath = join(dir, 'stereo.wav');
    writeFileSync(wavPath, encodeWav([left, right], 44100));
    flacPath = join(dir, 'stereo.flac');
    ffmpeg('-i', wavPath, flacPath);
    longPath = join(dir, 'long.flac');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=300:duration=20:sample_rate=16000', longPath);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every WAV format of encodeWav the same way ffmpeg does', () => {
    const formats: WavSampleFormat[] = ['uint8', 'int16', 'int24', 'int32', 'float32', 'float64'];
    for (const format of formats) {
      for (const channels of [[left], [left, right, left]]) {
        const path = join(dir, `${format}-${channels.length}.wav`);
        writeFileSync(path, encodeWav(channels, 44100, { format }));
        const ours = decodeWav(readFileSync(path));
        const theirs = decodeWav(ffmpeg('-i', path, '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1'));
        expect(theirs.channels.length, format).toBe(channels.length);
        ours.channels.forEach((channel, c) => {
          expect(maxDifference(channel, theirs.channels[c]!), `${format} channel ${c}`).toBeLessThan(1e-7);
        });
      }
    }
  });

  it('decodes a file path, a file URL and bytes of a FLAC file to the same PCM as the WAV it came from', async () => {
    const expected = resample(mixToMono([left, right]), 44100, 16000);
    for (const input of [flacPath, pathToFileURL(flacPath), readFileSync(flacPath), wavPath]) {
      const decoded = await decodeAudio(input, { sampleRate: 16000 });
      expect(decoded.sourceSampleRate).toBe(44100);
      expect(decoded.sourceChannels).toBe(2);
      expect(decoded.durationSeconds).toBe(1.5);
      // FLAC holds the 16-bit WAV losslessly: only int16 quantisation separates it from the float tones.
      expect(maxDifference(decoded.pcm, expected)).toBeLessThan(1e-4);
    }
  });

  it('decodes M4A from bytes (via a temporary file) and Ogg Vorbis from a pipe', async () => {
    const m4a = join(dir, 'speechlike.m4a');
    const ogg = join(dir, 'speechlike.ogg');
    ffmpeg('-i', wavPath, '-c:a', 'aac', '-b:a', '128k', m4a);
    ffmpeg('-i', wavPath, '-c:a', 'libvorbis', ogg);
    for (const path of [m4a, ogg]) {
      const fromBytes = await decodeAudio(readFileSync(path), { sampleRate: 16000 });
      const fromPath = await decodeAudio(path, { sampleRate: 16000 });
      expect(fromBytes.pcm).toEqual(fromPath.pcm);
      expect(Math.abs(fromBytes.durationSeconds - 1.5)).toBeLessThan(0.03);
      let energy = 0;
      for (const value of fromBytes.pcm) energy += value * value;
      // Two 0.5-amplitude tones averaged: RMS 0.25.
      expect(Math.sqrt(energy / fromBytes.pcm.length)).toBeGreaterThan(0.2);
    }
  });

  it('hands WAV codecs the TypeScript parser lacks (mu-law) to ffmpeg', async () => {
    const ulaw = join(dir, 'ulaw.wav');
    ffmpeg('-i', wavPath, '-c:a', 'pcm_mulaw', ulaw);
    const decoded = await decodeAudio(ulaw, { sampleRate: 16000 });
    expect(decoded.sourceSampleRate).toBe(44100);
    expect(maxDifference(decoded.pcm, resample(mixToMono([left, right]), 44100, 16000))).toBeLessThan(0.02);
  });

  it('stops ffmpeg early on files over maxDurationSeconds and reports them as too long', async () => {
    const error = await rejectionOf(decodeAudio(longPath, { sampleRate: 16000, maxDurationSeconds: 5 }));
    expect(error.message).toMatch(/more than the 5 s limit \(6\.0 s read\)/);
  });

  it('reports corrupt input, a file without audio and a missing file as InvalidInputError', async () => {
    const video = join(dir, 'video-only.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=5:duration=1', '-pix_fmt', 'yuv420p', video);
    const cases: [unknown, RegExp][] = [
      [Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251), /ffmpeg could not decode it/],
      [video, /no audio stream/],
      [join(dir, 'missing.mp3'), /no such file/],
      [dir, /a folder, not a regular file/],
    ];
    for (const [input, pattern] of cases) {
      const error = await rejectionOf(decodeAudio(input as string, { sampleRate: 16000 }));
      expect(InvalidInputError.isInstance(error), `${error}`).toBe(true);
      expect(error.message).toMatch(pattern);
    }
  });

  it('reports a missing ffmpeg as MissingDependencyError, but WAV needs none', async () => {
    const ffmpegPath = join(dir, 'no-such-ffmpeg');
    const error = await rejectionOf(decodeAudio(flacPath, { sampleRate: 16000, ffmpegPath }));
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/no runnable ffmpeg at .*no-such-ffmpeg.*apt-get install ffmpeg/);
    expect((await decodeAudio(wavPath, { sampleRate: 16000, ffmpegPath })).sourceChannels).toBe(2);
  });

  it('kills ffmpeg and rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const decoder = createFfmpegAudioDecoder();
    const pending = decoder.decodeFile(longPath, {
      maxDurationSeconds: Number.POSITIVE_INFINITY,
      signal: controller.signal,
    });
    controller.abort(new DOMException('user cancelled', 'AbortError'));
    const error = await rejectionOf(pending);
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe('user cancelled');
  });
});
