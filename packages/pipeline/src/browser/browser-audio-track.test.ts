import { encodeWav } from '@joyvasa/audio-encoder';
import { describe, expect, it } from 'vitest';
import { browserAudioTrack } from './browser-audio-track.js';

const tone = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => 0.25 * Math.sin(i * f));

describe('browserAudioTrack', () => {
  it('keeps the channels and rate of a WAV file, as a Blob or as bytes', async () => {
    const channels = [tone(480, 0.03), tone(480, 0.07)];
    const wav = encodeWav(channels, 48000, { format: 'float32' });
    for (const input of [new Blob([wav]), wav, wav.buffer as ArrayBuffer]) {
      expect(await browserAudioTrack(input)).toEqual({ pcm: channels, sampleRate: 48000 });
    }
  });

  it('hands PCM on at its own rate', async () => {
    const pcm = tone(2205, 0.01);
    expect(await browserAudioTrack({ pcm, sampleRate: 22050 })).toEqual({ pcm, sampleRate: 22050 });
  });
});
