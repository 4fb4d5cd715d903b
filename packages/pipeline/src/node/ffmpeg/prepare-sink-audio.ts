import { stat } from 'node:fs/promises';
import { encodeWav } from '@joyvasa/audio-encoder';
import { InvalidInputError } from '@joyvasa/core';
import type { SinkAudio } from '../../sinks/frame-sink.js';
import { probeAudioDuration } from './probe-audio-duration.js';

/** A sink's audio, ready for an ffmpeg command line. */
export interface PreparedAudio {
  /** ffmpeg input arguments, ending with `-i <source>`. */
  readonly inputArgs: readonly string[];
  /** WAV bytes to write to pipe 3, when the audio came as PCM. */
  readonly pipeBytes?: Uint8Array;
  /** Length of the audio in seconds. */
  readonly durationSeconds: number;
}

/**
 * Checks a {@link SinkAudio} and takes its duration: the one given, or else measured (a file's by
 * decoding it with ffmpeg). PCM becomes a float32 WAV streamed through a pipe (no temporary file); a path
 * is handed to ffmpeg as it is. Live audio is refused: it belongs to a live sink.
 */
export async function prepareSinkAudio(audio: SinkAudio, ffmpegPath: string): Promise<PreparedAudio> {
  if ('live' in audio) {
    throw new InvalidInputError('audio', 'is live audio; a video file muxes a whole track (a file or PCM)');
  }
  const given = audio.durationSeconds;
  if (given !== undefined && !(given > 0 && Number.isFinite(given))) {
    throw new InvalidInputError(
      'audio.durationSeconds',
      `must be a positive number of seconds, got ${given}`,
    );
  }
  if ('path' in audio) {
    if (typeof audio.path !== 'string' || audio.path === '') {
      throw new InvalidInputError('audio.path', 'must be a non-empty file path');
    }
    const info = await stat(audio.path).catch((error: unknown) => {
      throw new InvalidInputError('audio.path', `cannot read '${audio.path}': no such file`, {
        cause: error,
      });
    });
    if (!info.isFile()) throw new InvalidInputError('audio.path', `'${audio.path}' is not a file`);
    const durationSeconds = given ?? (await probeAudioDuration(audio.path, ffmpegPath));
    return { inputArgs: ['-i', `file:${audio.path}`], durationSeconds };
  }
  const channels = audio.pcm instanceof Float32Array ? [audio.pcm] : [...(audio.pcm ?? [])];
  const { sampleRate } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768_000) {
    throw new InvalidInputError(
      'audio.sampleRate',
      `must be an integer from 1000 to 768000 Hz, got ${sampleRate}`,
    );
  }
  const frames = channels[0]?.length ?? 0;
  if (frames === 0) throw new InvalidInputError('audio.pcm', 'contains no samples');
  for (const channel of channels) {
    if (!(channel instanceof Float32Array) || channel.length !== frames) {
      throw new InvalidInputError('audio.pcm', 'must be Float32Array channels of equal length');
    }
    if (!channel.every(Number.isFinite)) throw new InvalidInputError('audio.pcm', 'contains NaN or Infinity');
  }
  return {
    inputArgs: ['-f', 'wav', '-i', 'pipe:3'],
    pipeBytes: encodeWav(channels, sampleRate, { format: 'float32' }),
    durationSeconds: given ?? frames / sampleRate,
  };
}
