import { fileURLToPath } from 'node:url';
import { InvalidInputError, inputLimits, throwIfAborted } from '@joyvasa/core';
import { type FileRefusal, type OpenedRegularFile, openRegularFile, readOpened } from '@joyvasa/core/node';
import {
  type AudioInput,
  type DecodeAudioOptions,
  type DecodedAudio,
  decodeAudio as decodeAudioInput,
} from '../decode-audio.js';
import { isWav } from '../decode-wav.js';
import { wavDurationSeconds, wavHeadBytes } from '../wav-duration.js';
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
 * A path must name a regular file of at most 2 GiB (`inputLimits.fileMaxBytes`); a FIFO or a device is
 * refused before it is opened for reading. A WAV file's header is read first, and a file whose header
 * states more than `maxDurationSeconds` is refused before the rest is read.
 *
 * @returns mono float PCM at `options.sampleRate`.
 * @throws MissingDependencyError when a non-WAV input needs ffmpeg and none is found.
 * @throws InvalidInputError for missing files and bad audio (see the platform-neutral decodeAudio).
 */
export async function decodeAudio(
  input: AudioInput | string | URL,
  options: NodeDecodeAudioOptions,
): Promise<DecodedAudio> {
  const { ffmpegPath, ...rest } = options;
  const decoder = options.decoder ?? createFfmpegAudioDecoder(ffmpegPath ? { ffmpegPath } : {});
  if (typeof input !== 'string' && !(input instanceof URL))
    return decodeAudioInput(input, { ...rest, decoder });
  const path = input instanceof URL ? fileURLToPath(input) : input;
  throwIfAborted(options.signal);
  const maxDurationSeconds = options.maxDurationSeconds ?? inputLimits.audioMaxSeconds;
  const refuse: FileRefusal = (reason, cause) =>
    new InvalidInputError('audio', `cannot read '${path}': ${reason}`, { cause });
  const file = await openRegularFile(path, { refuse, ...(options.signal && { signal: options.signal }) });
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readInMemory(file, maxDurationSeconds, options, refuse);
  } finally {
    await file.handle.close();
  }
  if (bytes) return decodeAudioInput(bytes, options.decoder ? rest : { ...rest, decoder });
  const signal = options.signal;
  const source = await createFfmpegAudioDecoder(ffmpegPath ? { ffmpegPath } : {}).decodeFile(path, {
    maxDurationSeconds,
    ...(signal && { signal }),
  });
  return decodeAudioInput({ pcm: source.channels, sampleRate: source.sampleRate }, rest);
}

/**
 * The file's bytes when it is decoded in memory (a WAV file, or any file with a caller's decoder), after
 * checking a WAV header's duration; undefined when ffmpeg reads the file by path.
 */
async function readInMemory(
  { handle, size }: OpenedRegularFile,
  maxDurationSeconds: number,
  options: NodeDecodeAudioOptions,
  refuse: FileRefusal,
): Promise<Uint8Array | undefined> {
  const head = await readOpened(handle, Math.min(size, wavHeadBytes), { refuse });
  const wav = isWav(head);
  if (!wav && !options.decoder) return undefined;
  const seconds = wav ? wavDurationSeconds(head, size) : undefined;
  if (seconds !== undefined && seconds > maxDurationSeconds) {
    throw new InvalidInputError(
      'audio',
      `lasts more than the ${maxDurationSeconds} s limit (its WAV header states ${seconds.toFixed(1)} s); ` +
        'raise options.maxDurationSeconds to accept it',
    );
  }
  return readOpened(handle, size, { refuse, ...(options.signal && { signal: options.signal }) });
}
