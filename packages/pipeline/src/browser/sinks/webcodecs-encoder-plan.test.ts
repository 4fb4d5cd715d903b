import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { afterEach, describe, expect, it } from 'vitest';
import { avcCodecString, planEncoders } from './webcodecs-encoder-plan.js';
import { createWebCodecsVideoSink } from './webcodecs-video-sink.js';

const info = { width: 511, height: 384, fps: 25 };

/** Installs fake WebCodecs classes whose `isConfigSupported` accepts only `supported` codec strings. */
function fakeWebCodecs(supported: readonly string[]): string[] {
  const asked: string[] = [];
  const check = async (config: { codec: string }) => {
    asked.push(config.codec);
    return { supported: supported.includes(config.codec), config };
  };
  // Constructors in the real API: functions carrying the static check.
  Object.assign(globalThis, {
    VideoEncoder: Object.assign(() => {}, { isConfigSupported: check }),
    AudioEncoder: Object.assign(() => {}, { isConfigSupported: check }),
  });
  return asked;
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).VideoEncoder;
  delete (globalThis as Record<string, unknown>).AudioEncoder;
});

describe('avcCodecString', () => {
  it('picks the smallest H.264 level whose frame-size and macroblock-rate limits hold', () => {
    expect(avcCodecString(512, 512, 25)).toBe('avc1.64001f'); // 1024 MBs, 25 600 MB/s: level 3.1
    expect(avcCodecString(1280, 720, 25)).toBe('avc1.64001f'); // 3600 MBs: still 3.1
    expect(avcCodecString(1280, 1280, 25)).toBe('avc1.640028'); // 6400 MBs: 4.0
    expect(avcCodecString(2560, 2560, 25)).toBe('avc1.640033'); // 25 600 MBs: 5.1
    expect(avcCodecString(8192, 4320, 25)).toBe('avc1.64003c'); // 138 240 MBs: 6.0
  });
});

describe('planEncoders', () => {
  it('says plainly that WebCodecs is missing (Node has none)', async () => {
    const error = await planEncoders({}, info, 1).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/WebCodecs is required: .*no VideoEncoder.*createCanvasSink/);
  });

  it('prefers H.264 High and AAC, at the even frame size, with a bit rate from the pixel rate', async () => {
    fakeWebCodecs(['avc1.64001f', 'vp09.00.40.08', 'mp4a.40.2', 'opus']);
    expect(await planEncoders({}, info, 1)).toEqual({
      video: { codec: 'avc1.64001f', muxerCodec: 'avc', bitrate: Math.round(0.2 * 512 * 384 * 25) },
      audio: { codec: 'mp4a.40.2', muxerCodec: 'aac', sampleRate: 48_000, bitrate: 128_000 },
      keyFrameSeconds: 2,
    });
  });

  it('falls back to Constrained Baseline, then VP9, and to Opus where AAC cannot be encoded', async () => {
    let asked = fakeWebCodecs(['avc1.42e01f', 'opus']);
    let plan = await planEncoders({}, info, 2);
    expect([plan.video.codec, plan.audio?.codec]).toEqual(['avc1.42e01f', 'opus']);
    expect(asked).toEqual(['avc1.64001f', 'avc1.4d001f', 'avc1.42e01f', 'mp4a.40.2', 'opus']);
    asked = fakeWebCodecs(['vp09.00.40.08', 'opus']);
    plan = await planEncoders({ videoBitrate: 2e6 }, info, undefined);
    expect(plan).toEqual({
      video: { codec: 'vp09.00.40.08', muxerCodec: 'vp9', bitrate: 2e6 },
      keyFrameSeconds: 2,
    });
  });

  it('names the codecs it tried when none can be encoded, and honours an explicit choice', async () => {
    fakeWebCodecs(['avc1.64001f', 'mp4a.40.2']);
    const error = await planEncoders({ videoCodec: 'av1' }, info, 1).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('cannot encode 512x384 at 25 fps with av01.0.08M.08');
    const noOpus = await planEncoders({ audioCodec: 'opus' }, info, 1).catch((e: unknown) => e);
    expect((noOpus as Error).message).toContain('cannot encode opus audio at 48000 Hz');
  });

  it('rejects bad options with the option named', async () => {
    fakeWebCodecs(['avc1.64001f']);
    for (const [options, name] of [
      [{ videoCodec: 'h265' }, 'options.videoCodec'],
      [{ audioCodec: 'mp3' }, 'options.audioCodec'],
      [{ videoBitrate: Number.NaN }, 'options.videoBitrate'],
      [{ audioBitrate: 100 }, 'options.audioBitrate'],
      [{ keyFrameSeconds: 0 }, 'options.keyFrameSeconds'],
    ] as const) {
      const error = await planEncoders(options as never, info, 1).catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(error), name).toBe(true);
      expect((error as InvalidInputError).message).toContain(name);
    }
  });
});

describe('createWebCodecsVideoSink outside a browser', () => {
  it('fails at start with MissingDependencyError and stays usable for abort', async () => {
    const sink = createWebCodecsVideoSink();
    const error = await sink.start(info).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    await sink.abort();
  });

  it('refuses a file path as audio: in a browser the audio is PCM', async () => {
    const sink = createWebCodecsVideoSink({ audio: { path: 'speech.wav' } });
    const error = await sink.start(info).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/audio.*must be PCM in a browser/);
  });
});
