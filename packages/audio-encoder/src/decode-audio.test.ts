import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import type { AudioFileDecoderV1 } from './audio-file-decoder.js';
import { decodeAudio } from './decode-audio.js';
import { encodeWav } from './encode-wav.js';
import { mixToMono } from './mix-to-mono.js';
import { resample } from './resample.js';
import { sniffAudioFormat } from './sniff-audio-format.js';

function tone(rate: number, frequency: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate),
  );
}

describe('mixToMono', () => {
  it('averages channels and passes a single channel through', () => {
    const mono = mixToMono([new Float32Array([1, 0.5, -1]), new Float32Array([0, 0.5, 1])]);
    expect([...mono]).toEqual([0.5, 0.5, 0]);
    const only = new Float32Array([0.25]);
    expect(mixToMono([only])).toBe(only);
    expect(() => mixToMono([new Float32Array(2), new Float32Array(3)])).toThrow(/equal length/);
    expect(() => mixToMono([])).toThrow(InvalidInputError);
  });
});

describe('sniffAudioFormat', () => {
  const of = (...values: (number | string)[]) =>
    Uint8Array.from(
      values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])),
    );
  it('recognises common magic numbers', () => {
    expect(sniffAudioFormat(encodeWav(new Float32Array(1), 8000))).toBe('wav');
    expect(sniffAudioFormat(of('ID3', 4, 0))).toBe('mp3');
    expect(sniffAudioFormat(of(0xff, 0xfb, 0x90))).toBe('mp3');
    expect(sniffAudioFormat(of(0xff, 0xf1, 0x50))).toBe('aac');
    expect(sniffAudioFormat(of('fLaC'))).toBe('flac');
    expect(sniffAudioFormat(of('OggS', 0))).toBe('ogg');
    expect(sniffAudioFormat(of(0, 0, 0, 0x20, 'ftypM4A '))).toBe('mp4');
    expect(sniffAudioFormat(of(1, 2, 3))).toBe('unknown');
  });
});

describe('decodeAudio', () => {
  it('mixes stereo WAV bytes to mono and resamples to 16 kHz', async () => {
    const left = tone(44100, 440, 1);
    const right = tone(44100, 1000, 1);
    const wav = encodeWav([left, right], 44100, { format: 'float32' });
    const decoded = await decodeAudio(wav, { sampleRate: 16000 });
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.sourceSampleRate).toBe(44100);
    expect(decoded.sourceChannels).toBe(2);
    expect(decoded.durationSeconds).toBe(1);
    expect(decoded.pcm).toEqual(resample(mixToMono([left, right]), 44100, 16000));
  });

  it('accepts ArrayBuffer, Blob and PCM inputs with the same result', async () => {
    const pcm = tone(16000, 300, 0.25);
    const wav = encodeWav(pcm, 16000, { format: 'float32' });
    const fromBytes = await decodeAudio(wav, { sampleRate: 16000 });
    const fromBuffer = await decodeAudio(wav.slice().buffer, { sampleRate: 16000 });
    const fromBlob = await decodeAudio(new Blob([wav]), { sampleRate: 16000 });
    const fromPcm = await decodeAudio({ pcm, sampleRate: 16000 }, { sampleRate: 16000 });
    const fromChannels = await decodeAudio({ pcm: [pcm, pcm], sampleRate: 16000 }, { sampleRate: 16000 });
    for (const result of [fromBuffer, fromBlob, fromPcm, fromChannels])
      expect(result.pcm).toEqual(fromBytes.pcm);
    expect(fromBytes.pcm).toEqual(pcm);
    expect(fromBytes.pcm).not.toBe(pcm);
  });

  it('accepts silence and honours options.sampleRate', async () => {
    const silent = await decodeAudio(
      { pcm: new Float32Array(8000), sampleRate: 8000 },
      { sampleRate: 16000 },
    );
    expect(silent.pcm).toHaveLength(16000);
    expect(silent.pcm.every((v) => v === 0)).toBe(true);
    const at24k = await decodeAudio({ pcm: new Float32Array(8000), sampleRate: 8000 }, { sampleRate: 24000 });
    expect(at24k.sampleRate).toBe(24000);
    expect(at24k.pcm).toHaveLength(24000);
    expect(at24k.source).toBeUndefined();
  });

  it("needs the encoder's rate, and keeps the source's channels at its own rate when asked", async () => {
    const left = tone(8000, 200, 0.25);
    const right = tone(8000, 300, 0.25);
    const error = await rejectionOf(decodeAudio({ pcm: left, sampleRate: 8000 }, {} as never));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/options\.sampleRate.*missing.*encoder\.sampleRate/);
    const wav = encodeWav([left, right], 8000, { format: 'float32' });
    const kept = await decodeAudio(wav, { sampleRate: 24000, keepSource: true });
    expect(kept.source?.sampleRate).toBe(8000);
    expect(kept.source?.channels).toEqual([left, right]);
    expect(kept.pcm).toHaveLength(left.length * 3);
  });

  it('rejects empty, non-finite and absurd input with InvalidInputError', async () => {
    const cases: [unknown, RegExp][] = [
      [new Uint8Array(0), /empty \(0 bytes\)/],
      [encodeWav(new Float32Array(0), 16000), /no samples/],
      [{ pcm: new Float32Array(0), sampleRate: 16000 }, /no samples/],
      [{ pcm: new Float32Array([0, Number.NaN]), sampleRate: 16000 }, /sample 1 of channel 0 is NaN/],
      [
        encodeWav([new Float32Array(4), new Float32Array([0, 0, Number.POSITIVE_INFINITY, 0])], 16000, {
          format: 'float32',
        }),
        /sample 2 of channel 1 is Infinity/,
      ],
      [{ pcm: new Float32Array(10), sampleRate: 16 }, /16 Hz is outside/],
      [{ pcm: new Float32Array(10), sampleRate: Number.NaN }, /NaN Hz is outside/],
      [encodeWav(new Float32Array(10), 4_000_000), /4000000 Hz is outside/],
      [{ pcm: [new Float32Array(3), new Float32Array(4)], sampleRate: 16000 }, /equal length/],
      [{ pcm: [1, 2, 3], sampleRate: 16000 }, /Float32Array/],
      ['not audio', /expected file bytes/],
    ];
    for (const [input, pattern] of cases) {
      const error = await rejectionOf(decodeAudio(input as never, { sampleRate: 16000 }));
      expect(InvalidInputError.isInstance(error), `${error}`).toBe(true);
      expect(error.message).toMatch(pattern);
    }
  });

  it('rejects audio longer than maxDurationSeconds unless the caller raises it', async () => {
    const input = { pcm: new Float32Array(16000 * 3), sampleRate: 16000 };
    const error = await rejectionOf(decodeAudio(input, { sampleRate: 16000, maxDurationSeconds: 2 }));
    expect(error.message).toMatch(/more than the 2 s limit.*maxDurationSeconds/);
    expect((await decodeAudio(input, { sampleRate: 16000, maxDurationSeconds: 3 })).durationSeconds).toBe(3);
    const tooLong = { pcm: new Float32Array(1000 * 601), sampleRate: 1000 };
    expect((await rejectionOf(decodeAudio(tooLong, { sampleRate: 16000 }))).message).toMatch(/600 s limit/);
    await expect(decodeAudio(input, { sampleRate: 16000, maxDurationSeconds: 0 })).rejects.toThrow(
      /maxDurationSeconds/,
    );
  });

  it('needs a decoder for non-WAV bytes and reports it as a missing dependency', async () => {
    const mp3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
    const error = await rejectionOf(decodeAudio(mp3, { sampleRate: 16000 }));
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/MP3 input.*@joyvasa\/audio-encoder\/node/);
  });

  it('hands non-WAV bytes and unsupported WAV codecs to options.decoder', async () => {
    const seen: number[] = [];
    const decoder: AudioFileDecoderV1 = {
      specificationVersion: 'v1',
      id: 'recording',
      async decode(bytes, { maxDurationSeconds }) {
        seen.push(bytes.length, maxDurationSeconds);
        return { channels: [tone(8000, 500, 0.5)], sampleRate: 8000 };
      },
    };
    const alaw = encodeWav(new Float32Array(4), 8000, { format: 'uint8' });
    alaw[20] = 6;
    const fromAlaw = await decodeAudio(alaw, { sampleRate: 16000, decoder, maxDurationSeconds: 30 });
    expect(fromAlaw.sourceSampleRate).toBe(8000);
    expect(fromAlaw.pcm).toHaveLength(8000);
    await decodeAudio(Uint8Array.from([1, 2, 3]), { sampleRate: 16000, decoder });
    expect(seen).toEqual([alaw.length, 30, 3, 600]);
    expect((await rejectionOf(decodeAudio(alaw, { sampleRate: 16000 }))).message).toMatch(/A-law/);
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('stop', 'AbortError'));
    const error = await rejectionOf(
      decodeAudio(
        { pcm: new Float32Array(10), sampleRate: 16000 },
        { sampleRate: 16000, signal: controller.signal },
      ),
    );
    expect(error.name).toBe('AbortError');
  });
});
