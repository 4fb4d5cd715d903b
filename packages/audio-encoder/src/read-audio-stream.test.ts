import { InvalidInputError, isAbortError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { AudioStreamError } from './audio-stream-error.js';
import { decodeAudio } from './decode-audio.js';
import {
  type AudioStreamInput,
  type PcmChunk,
  type ReadAudioStreamOptions,
  readAudioStream,
} from './read-audio-stream.js';

function stereo(frames: number, rate: number): [Float32Array, Float32Array] {
  const left = Float32Array.from(
    { length: frames },
    (_, i) => 0.4 * Math.sin((2 * Math.PI * 220 * i) / rate),
  );
  const right = Float32Array.from(
    { length: frames },
    (_, i) => 0.2 * Math.cos((2 * Math.PI * 330 * i) / rate),
  );
  return [left, right];
}

function interleave(channels: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(channels.length * channels[0]!.length);
  channels.forEach((channel, c) => {
    for (let i = 0; i < channel.length; i++) out[i * channels.length + c] = channel[i]!;
  });
  return out;
}

/** Cuts `samples` into chunks of the given sizes, cycling. */
async function* cut<T extends Float32Array | Int16Array>(samples: T, sizes: readonly number[]) {
  for (let at = 0, i = 0; at < samples.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield samples.subarray(at, at + size) as T;
    at += size;
  }
}

async function readAll(input: AudioStreamInput, options: Partial<ReadAudioStreamOptions> = {}) {
  const parts: Float32Array[] = [];
  let sourceFrames = 0;
  for await (const piece of readAudioStream(input, { sampleRate: 16000, ...options })) {
    parts.push(piece.pcm);
    sourceFrames = piece.sourceFrames;
  }
  const pcm = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    pcm.set(part, offset);
    offset += part.length;
  }
  return { pcm, sourceFrames };
}

describe('readAudioStream', () => {
  it('gives what decodeAudio gives for the whole audio: stereo 44.1 kHz cut mid-frame', async () => {
    const channels = stereo(20_001, 44100);
    const whole = await decodeAudio({ pcm: channels, sampleRate: 44100 }, { sampleRate: 16000 });
    const read = await readAll({
      stream: cut(interleave(channels), [1, 777, 4096, 3]),
      sampleRate: 44100,
      channels: 2,
    });
    expect(read.pcm).toEqual(whole.pcm);
    expect(read.sourceFrames).toBe(20_001);
  });

  it('reads 16-bit chunks from a ReadableStream', async () => {
    const ints = Int16Array.from({ length: 5000 }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
    const floats = Float32Array.from(ints, (v) => v / 32768);
    const stream = new ReadableStream<PcmChunk>({
      start(controller) {
        for (let at = 0; at < ints.length; at += 1234) controller.enqueue(ints.subarray(at, at + 1234));
        controller.close();
      },
    });
    const read = await readAll({ stream, sampleRate: 16000 });
    expect(read.pcm).toEqual(floats);
  });

  it('rejects a chunk of the wrong type, rate or channel count, naming the chunk', async () => {
    async function* chunks(bad: unknown) {
      yield new Float32Array(10);
      yield bad as PcmChunk;
    }
    const read = (bad: unknown) => readAll({ stream: chunks(bad), sampleRate: 16000 });
    await expect(read([0.1, 0.2])).rejects.toThrow(/audio chunk 1: expected a Float32Array, an Int16Array/);
    await expect(read({ pcm: new Float32Array(4), sampleRate: 48000 })).rejects.toThrow(
      /chunk 1: it is at 48000 Hz but the stream was opened at 16000 Hz/,
    );
    await expect(read({ pcm: new Float32Array(4), channels: 2 })).rejects.toThrow(
      /2 channels but the stream has 1/,
    );
    await expect(read(Float32Array.of(0, Number.NaN))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(readAll({ stream: cut(new Float32Array(0), [1]), sampleRate: 16000 })).rejects.toThrow(
      /ended without a sample/,
    );
    await expect(readAll({ stream: cut(new Float32Array(1), [1]), sampleRate: 5 })).rejects.toThrow(
      /audio.sampleRate/,
    );
  });

  it('turns a producer that throws into an AudioStreamError with the cause', async () => {
    const failure = new Error('TTS connection reset');
    async function* failing() {
      yield new Float32Array(100);
      throw failure;
    }
    const error = await readAll({ stream: failing(), sampleRate: 16000 }).catch((e: unknown) => e);
    expect(AudioStreamError.isInstance(error) && [error.failure, error.cause]).toEqual([
      'producer-failed',
      failure,
    ]);
  });

  it('gives up on a stalled producer after idleTimeoutMs and closes it', async () => {
    let closed = false;
    const stream = new ReadableStream<PcmChunk>({
      async pull(controller) {
        controller.enqueue(new Float32Array(10));
        await new Promise(() => {});
      },
      cancel() {
        closed = true;
      },
    });
    const error = await readAll({ stream, sampleRate: 16000 }, { idleTimeoutMs: 30 }).catch(
      (e: unknown) => e,
    );
    expect(AudioStreamError.isInstance(error) && error.failure).toBe('stalled');
    expect((error as Error).message).toMatch(/sent nothing for 30 ms \(waiting for chunk 1\)/);
    expect(closed).toBe(true);
  });

  it('stops on abort mid-stream and closes the producer', async () => {
    let closed = false;
    const controller = new AbortController();
    async function* endless() {
      try {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield new Float32Array(160);
        }
      } finally {
        closed = true;
      }
    }
    let pieces = 0;
    const run = (async () => {
      for await (const _ of readAudioStream(
        { stream: endless(), sampleRate: 16000 },
        { sampleRate: 16000, signal: controller.signal },
      )) {
        if (++pieces === 5) controller.abort();
      }
    })();
    const error = await run.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(closed).toBe(true);
  });
});
