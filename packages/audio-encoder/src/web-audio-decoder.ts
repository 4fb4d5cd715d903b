import { InvalidInputError, MissingDependencyError, throwIfAborted } from '@joyvasa/core';
import type { AudioFileDecoderV1, PcmAudio } from './audio-file-decoder.js';

/** Options of {@link createWebAudioDecoder}. */
export interface WebAudioDecoderOptions {
  /**
   * Rate the browser decodes at, in Hz. Default 48000. `decodeAudioData` always resamples to its
   * context's rate, so the source rate cannot be kept; 48 kHz keeps the whole audible band and leaves
   * the final, anti-aliased step down to 16 kHz to this package's resampler.
   */
  readonly sampleRate?: number;
}

/**
 * An {@link AudioFileDecoderV1} on the Web Audio API (`OfflineAudioContext.decodeAudioData`): decodes
 * whatever the browser can (MP3, AAC/M4A, Ogg Vorbis/Opus, FLAC, WAV of any codec it knows).
 *
 * The decoded `sampleRate` is the context's rate, not the file's. Decoding cannot be cancelled; an abort
 * takes effect when it finishes.
 */
export function createWebAudioDecoder(options: WebAudioDecoderOptions = {}): AudioFileDecoderV1 {
  const sampleRate = options.sampleRate ?? 48000;
  return {
    specificationVersion: 'v1',
    id: 'web-audio',
    async decode(bytes, { signal, maxDurationSeconds }): Promise<PcmAudio> {
      throwIfAborted(signal);
      if (typeof OfflineAudioContext !== 'function') {
        throw new MissingDependencyError(
          'the Web Audio API',
          'OfflineAudioContext is not defined in this runtime. In Node, import decodeAudio from ' +
            '@joyvasa/audio-encoder/node, which decodes with ffmpeg',
        );
      }
      const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
      let buffer: AudioBuffer;
      try {
        // decodeAudioData detaches the buffer it is given, so hand it a copy.
        buffer = await context.decodeAudioData(bytes.slice().buffer);
      } catch (error) {
        throw new InvalidInputError(
          'audio',
          `the browser could not decode it (${(error as Error)?.message ?? error}); it is corrupt or in a ` +
            'format this browser does not support: try WAV, MP3 or AAC',
          { cause: error },
        );
      }
      throwIfAborted(signal);
      const frames = Math.min(buffer.length, Math.ceil((maxDurationSeconds + 1) * buffer.sampleRate));
      const channels: Float32Array[] = [];
      for (let c = 0; c < buffer.numberOfChannels; c++) {
        channels.push(buffer.getChannelData(c).slice(0, frames));
      }
      return { channels, sampleRate: buffer.sampleRate };
    },
  };
}
