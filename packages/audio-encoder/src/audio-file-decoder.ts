/** Planar PCM at the source's own rate, as a decoder returns it. */
export interface PcmAudio {
  /** One array per channel, all the same length, samples nominally in [-1, 1]. */
  readonly channels: Float32Array[];
  /** Frames per second, in Hz. */
  readonly sampleRate: number;
}

/** Options of one {@link AudioFileDecoderV1.decode} call. */
export interface AudioFileDecodeOptions {
  readonly signal?: AbortSignal;
  /**
   * The caller rejects audio longer than this many seconds; a decoder may stop a little after it
   * to bound its memory (the caller then reports the file as too long). Infinity when unlimited.
   */
  readonly maxDurationSeconds: number;
}

/**
 * Decodes compressed audio files (MP3, AAC/M4A, Ogg, FLAC, …) that `decodeAudio` does not parse itself.
 *
 * A plain object with these fields; the SDK ships one that runs ffmpeg (`@joyvasa/audio-encoder/node`)
 * and one on the Web Audio API ({@link createWebAudioDecoder}).
 */
export interface AudioFileDecoderV1 {
  readonly specificationVersion: 'v1';
  /** Names the decoder in error messages, e.g. `ffmpeg`. */
  readonly id: string;
  /**
   * Decodes a whole file. Rejects with InvalidInputError when the bytes are not decodable audio, with
   * the signal's reason when aborted.
   */
  decode(bytes: Uint8Array, options: AudioFileDecodeOptions): Promise<PcmAudio>;
}
