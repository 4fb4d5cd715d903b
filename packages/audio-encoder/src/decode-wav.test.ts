import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { decodeWav, isWav } from './decode-wav.js';
import { encodeWav, type WavSampleFormat } from './encode-wav.js';
import { UnsupportedWavCodecError } from './wav-format.js';

/** Little-endian byte writer, independent of encodeWav, for hand-built files. */
function bytesOf(
  ...parts: (string | { u16: number } | { u32: number } | number[] | Uint8Array)[]
): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (const c of part) out.push(c.charCodeAt(0));
    else if (Array.isArray(part) || part instanceof Uint8Array) out.push(...part);
    else if ('u16' in part) out.push(part.u16 & 0xff, part.u16 >>> 8);
    else out.push(part.u32 & 0xff, (part.u32 >>> 8) & 0xff, (part.u32 >>> 16) & 0xff, part.u32 >>> 24);
  }
  return Uint8Array.from(out);
}

function fmtChunk(tag: number, channels: number, rate: number, bits: number): Uint8Array {
  const align = (channels * bits) / 8;
  return bytesOf(
    'fmt ',
    { u32: 16 },
    { u16: tag },
    { u16: channels },
    { u32: rate },
    { u32: rate * align },
    {
      u16: align,
    },
    { u16: bits },
  );
}

function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = bytesOf('WAVE', ...chunks);
  return bytesOf('RIFF', { u32: body.length }, body);
}

function expectInvalid(run: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(InvalidInputError.isInstance(caught), `expected InvalidInputError, got ${caught}`).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe('decodeWav: sample values from hand-built bytes', () => {
  it('reads unsigned 8-bit with 128 as zero', () => {
    const wav = riff(fmtChunk(1, 1, 8000, 8), bytesOf('data', { u32: 4 }, [0, 64, 128, 255]));
    expect([...decodeWav(wav).channels[0]!]).toEqual([-1, -0.5, 0, 127 / 128]);
  });

  it('reads signed 16-bit little-endian and de-interleaves stereo', () => {
    const data = [0x00, 0x80, 0xff, 0x7f, 0x00, 0x40, 0x00, 0xc0];
    const wav = riff(fmtChunk(1, 2, 44100, 16), bytesOf('data', { u32: 8 }, data));
    const { channels, sampleRate, frameCount } = decodeWav(wav);
    expect(sampleRate).toBe(44100);
    expect(frameCount).toBe(2);
    expect([...channels[0]!]).toEqual([-1, 0.5]);
    expect([...channels[1]!]).toEqual([32767 / 32768, -0.5]);
  });

  it('reads signed 24-bit with sign extension', () => {
    const data = [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x40];
    const wav = riff(fmtChunk(1, 1, 48000, 24), bytesOf('data', { u32: 12 }, data));
    expect([...decodeWav(wav).channels[0]!]).toEqual([-1, 8388607 / 8388608, -1 / 8388608, 0.5]);
  });

  it('reads signed 32-bit and float32 / float64', () => {
    const int32 = riff(
      fmtChunk(1, 1, 16000, 32),
      bytesOf('data', { u32: 8 }, [0, 0, 0, 0x80, 0, 0, 0, 0x40]),
    );
    expect([...decodeWav(int32).channels[0]!]).toEqual([-1, 0.5]);
    const f32 = new Uint8Array(new Float32Array([0.25, -1.5]).buffer);
    expect([
      ...decodeWav(riff(fmtChunk(3, 1, 16000, 32), bytesOf('data', { u32: 8 }, f32))).channels[0]!,
    ]).toEqual([0.25, -1.5]);
    const f64 = new Uint8Array(new Float64Array([0.125, 2]).buffer);
    expect([
      ...decodeWav(riff(fmtChunk(3, 1, 16000, 64), bytesOf('data', { u32: 16 }, f64))).channels[0]!,
    ]).toEqual([0.125, 2]);
  });
});

describe('decodeWav: chunk layout', () => {
  const samples = bytesOf({ u16: 0x4000 }, { u16: 0xc000 }, { u16: 0x2000 });

  it('skips unknown chunks and honours the pad byte after odd-sized ones', () => {
    const odd = bytesOf('junk', { u32: 3 }, [1, 2, 3], [0]);
    const list = bytesOf('LIST', { u32: 5 }, 'INFOx', [0]);
    const wav = riff(odd, fmtChunk(1, 1, 16000, 16), list, bytesOf('data', { u32: 6 }, samples));
    expect([...decodeWav(wav).channels[0]!]).toEqual([0.5, -0.5, 0.25]);
  });

  it('accepts a data chunk before the fmt chunk and an odd-length data chunk with its pad', () => {
    const data = bytesOf('data', { u32: 3 }, [0x80, 0x40, 0xc0], [0]);
    const wav = riff(data, fmtChunk(1, 1, 8000, 8));
    expect([...decodeWav(wav).channels[0]!]).toEqual([0, -0.5, 0.5]);
  });

  it('reads a streamed file whose data size is 0xFFFFFFFF up to the end', () => {
    const wav = riff(fmtChunk(1, 1, 16000, 16), bytesOf('data', { u32: 0xffffffff }, samples));
    expect(decodeWav(wav).frameCount).toBe(3);
  });

  it('reads RF64 with the data size taken from ds64', () => {
    const ds64 = bytesOf(
      'ds64',
      { u32: 28 },
      { u32: 0 },
      { u32: 0 },
      { u32: 6 },
      { u32: 0 },
      { u32: 3 },
      {
        u32: 0,
      },
      { u32: 0 },
    );
    const body = bytesOf(
      'WAVE',
      ds64,
      fmtChunk(1, 1, 16000, 16),
      bytesOf('data', { u32: 0xffffffff }, samples),
    );
    const wav = bytesOf('RF64', { u32: 0xffffffff }, body, bytesOf('junk', { u32: 2 }, [9, 9]));
    const decoded = decodeWav(wav);
    expect(decoded.container).toBe('RF64');
    expect([...decoded.channels[0]!]).toEqual([0.5, -0.5, 0.25]);
  });

  it('ignores a partial trailing frame', () => {
    const wav = riff(fmtChunk(1, 2, 16000, 16), bytesOf('data', { u32: 6 }, samples));
    expect(decodeWav(wav).frameCount).toBe(1);
  });

  it('parses WAVE_FORMAT_EXTENSIBLE with fewer valid bits than the container', () => {
    const fmt = bytesOf(
      'fmt ',
      { u32: 40 },
      { u16: 0xfffe },
      { u16: 1 },
      { u32: 96000 },
      { u32: 288000 },
      {
        u16: 3,
      },
      { u16: 24 },
      { u16: 22 },
      { u16: 20 },
      { u32: 4 },
      { u16: 1 },
      [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71],
    );
    const decoded = decodeWav(riff(fmt, bytesOf('data', { u32: 3 }, [0, 0, 0x40], [0])));
    expect(decoded.format).toMatchObject({ extensible: true, bitsPerSample: 24, validBitsPerSample: 20 });
    expect([...decoded.channels[0]!]).toEqual([0.5]);
  });
});

describe('encodeWav -> decodeWav round trip', () => {
  const formats: WavSampleFormat[] = ['uint8', 'int16', 'int24', 'int32', 'float32', 'float64'];
  const steps: Record<WavSampleFormat, number> = {
    uint8: 1 / 128,
    int16: 1 / 32768,
    int24: 1 / 8388608,
    int32: 1 / 2147483648,
    float32: 0,
    float64: 0,
  };

  for (const format of formats) {
    for (const channelCount of [1, 2, 6]) {
      for (const extensible of [false, true]) {
        it(`${format}, ${channelCount} channel(s), ${extensible ? 'extensible' : 'plain'} header`, () => {
          const rate = [8000, 22050, 44100, 96000][channelCount % 4]!;
          const channels = Array.from({ length: channelCount }, (_, c) =>
            Float32Array.from({ length: 257 }, (_, i) => 0.9 * Math.sin(0.05 * i * (c + 1) + c)),
          );
          const decoded = decodeWav(encodeWav(channels, rate, { format, extensible }));
          expect(decoded.sampleRate).toBe(rate);
          expect(decoded.format.extensible).toBe(extensible);
          expect(decoded.channels).toHaveLength(channelCount);
          decoded.channels.forEach((channel, c) => {
            expect(channel).toHaveLength(257);
            for (let i = 0; i < 257; i++) {
              expect(Math.abs(channel[i]! - channels[c]![i]!)).toBeLessThanOrEqual(steps[format] / 2 + 1e-9);
            }
          });
        });
      }
    }
  }

  it('clips out-of-range values on integer formats and keeps them on float formats', () => {
    const pcm = new Float32Array([2, -2, 1]);
    expect([...decodeWav(encodeWav(pcm, 16000)).channels[0]!]).toEqual([32767 / 32768, -1, 32767 / 32768]);
    expect([...decodeWav(encodeWav(pcm, 16000, { format: 'float32' })).channels[0]!]).toEqual([2, -2, 1]);
  });

  it('rejects NaN on integer formats and mismatched channel lengths', () => {
    expectInvalid(() => encodeWav(new Float32Array([0, Number.NaN]), 16000), /sample 1 of channel 0 is NaN/);
    expectInvalid(() => encodeWav([new Float32Array(3), new Float32Array(4)], 16000), /different lengths/);
    expectInvalid(() => encodeWav(new Float32Array(3), 44100.5), /positive integer/);
  });

  it('writes a header other readers agree on (sizes and rates in the right places)', () => {
    const bytes = encodeWav([new Float32Array(10), new Float32Array(10)], 22050, { format: 'int24' });
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(44 + 60);
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint32(28, true)).toBe(22050 * 6);
    expect(view.getUint16(32, true)).toBe(6);
    expect(view.getUint32(40, true)).toBe(60);
  });
});

describe('decodeWav errors', () => {
  const valid = () => encodeWav(new Float32Array(100), 16000);

  it('rejects empty, short and non-WAV bytes', () => {
    expectInvalid(() => decodeWav(new Uint8Array(0)), /empty/);
    expectInvalid(() => decodeWav(bytesOf('RIFF')), /not a WAV file/);
    expectInvalid(() => decodeWav(bytesOf('ID3', [4, 0, 0, 0, 0, 0, 0, 0, 0, 0])), /not a WAV file/);
    expectInvalid(() => decodeWav(bytesOf('RIFX', { u32: 4 }, 'WAVE')), /big-endian/);
    expect(isWav(valid())).toBe(true);
    expect(isWav(bytesOf('RIFF', { u32: 4 }, 'AVI '))).toBe(false);
  });

  it('rejects a truncated data chunk and a truncated header chunk', () => {
    expectInvalid(() => decodeWav(valid().subarray(0, 100)), /declares 200 bytes but only 56 are present/);
    expectInvalid(() => decodeWav(valid().subarray(0, 30)), /'fmt ' at byte 12 declares 16 bytes.*truncated/);
  });

  it('rejects files without fmt or data', () => {
    expectInvalid(() => decodeWav(riff(bytesOf('data', { u32: 2 }, [0, 0]))), /no 'fmt ' chunk/);
    expectInvalid(() => decodeWav(riff(fmtChunk(1, 1, 16000, 16))), /no 'data' chunk/);
  });

  it('rejects corrupt format fields', () => {
    const data = bytesOf('data', { u32: 2 }, [0, 0]);
    expectInvalid(() => decodeWav(riff(fmtChunk(1, 0, 16000, 16), data)), /0 channels/);
    expectInvalid(() => decodeWav(riff(fmtChunk(1, 1, 0, 16), data)), /sample rate of 0 Hz/);
    expectInvalid(() => decodeWav(riff(fmtChunk(1, 1, 16000, 12), data)), /12-bit pcm/);
    expectInvalid(() => decodeWav(riff(fmtChunk(3, 1, 16000, 16), data)), /16-bit float/);
    const badAlign = fmtChunk(1, 2, 16000, 16);
    badAlign[20] = 3;
    expectInvalid(() => decodeWav(riff(badAlign, data)), /block size is 3 bytes/);
  });

  it('names unsupported codecs with a typed subclass', () => {
    let caught: unknown;
    try {
      decodeWav(riff(fmtChunk(6, 1, 8000, 8), bytesOf('data', { u32: 2 }, [0, 0])));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedWavCodecError);
    expect(InvalidInputError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/A-law.*0x0006/);
  });
});
