import { open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, inputLimits, throwIfAborted } from '@joyvasa/core';
import {
  type AudioInput,
  type DecodeAudioOptions,
  type DecodedAudio,
  decodeAudio as decodeAudioInput,
} from '../decode-audio.js';
import { isWav } from '../decode-wav.js';
import { createFfmpegAudioDecoder } from './ffmpeg-audio-decoder.js';

/** Options of the Node {@link decodeAudio}. */
export interface NodeDecodeAudioOptions extends DecodeAudioOptions {
  /** The ffmpeg executable used for formats other than PCM/float WAV. Default `ffmpeg` on PATH. */
  readonly ffmpegPath?: string;
}

/**
 * {@link decodeAudioInput | decodeAudio} for Node: also takes a file path (string or `file:` URL), and
 * decodes every format ffmpeg reads (MP3, M4A/AAC, Ogg/Opus, FLAC, the audio of a video, …) through an
 * ffmpeg child process. WAV is still parsed in TypeScript, so WAV needs no ffmpeg.
 *
 * @returns mono float PCM at 16 kHz (or `options.sampleRate`).
 * @throws MissingDependencyError when a non-WAV input needs ffmpeg and none is found.
 * @throws InvalidInputError for missing files and bad audio (see the platform-neutral decodeAudio).
 */
export async function decodeAudio(
  input: AudioInput | string | URL,
  options: NodeDecodeAudioOptions = {},
): Promise<DecodedAudio> {
  const { ffmpegPath, ...rest } = options;
  const decoder = options.decoder ?? createFfmpegAudioDecoder(ffmpegPath ? { ffmpegPath } : {});
  if (typeof input !== 'string' && !(input instanceof URL))
    return decodeAudioInput(input, { ...rest, decoder });
  const path = input instanceof URL ? fileURLToPath(input) : input;
  throwIfAborted(options.signal);
  if (isWav(await readHead(path))) return decodeAudioInput(await readFile(path), { ...rest, decoder });
  if (options.decoder) return decodeAudioInput(await readFile(path), rest);
  const maxDurationSeconds = options.maxDurationSeconds ?? inputLimits.audioMaxSeconds;
  const signal = options.signal;
  const source = await createFfmpegAudioDecoder(ffmpegPath ? { ffmpegPath } : {}).decodeFile(path, {
    maxDurationSeconds,
    ...(signal && { signal }),
  });
  return decodeAudioInput({ pcm: source.channels, sampleRate: source.sampleRate }, rest);
}

async function readHead(path: string): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new InvalidInputError('audio', `cannot read '${path}': ${reason}`, { cause: error });
  }
  try {
    const head = new Uint8Array(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    return head.subarray(0, bytesRead);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      'audio',
      `cannot read '${path}': ${code === 'EISDIR' ? 'it is a directory' : code}`,
      {
        cause: error,
      },
    );
  } finally {
    await handle.close();
  }
}
