import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { encodeWav } from '@joyvasa/audio-encoder';
import { describe, expect, it } from 'vitest';
import { callerAudioTrack } from './caller-audio-track.js';

const tone = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => 0.25 * Math.sin(i * f));

describe('callerAudioTrack', () => {
  it('keeps the channels and rate of WAV bytes', async () => {
    const left = tone(441, 0.05);
    const right = tone(441, 0.09);
    const track = await callerAudioTrack(encodeWav([left, right], 44100, { format: 'float32' }));
    expect(track.audio).toEqual({ pcm: [left, right], sampleRate: 44100 });
  });

  it('hands PCM at its own rate and a path as they are', async () => {
    const pcm = tone(2400, 0.02);
    expect((await callerAudioTrack({ pcm, sampleRate: 24000 })).audio).toEqual({ pcm, sampleRate: 24000 });
    expect((await callerAudioTrack('speech.m4a')).audio).toEqual({ path: 'speech.m4a' });
  });

  it('writes other encoded bytes to a temporary file for ffmpeg, removed on release', async () => {
    const bytes = Uint8Array.from([0xff, 0xfb, 0x90, 0x64, 1, 2, 3, 4]); // an MP3 frame header and data
    const track = await callerAudioTrack(bytes.buffer);
    const path = (track.audio as { path: string }).path;
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    await track.release();
    expect(existsSync(path)).toBe(false);
  });
});
