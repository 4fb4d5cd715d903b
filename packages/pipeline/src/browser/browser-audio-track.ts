import { createWebAudioDecoder, decodeWav, isWav } from '@joyvasa/audio-encoder';
import type { SinkAudio } from '../frame-sink.js';

/** Longest audio a track is decoded for, seconds: the decoder's bound (`decodeAudio`'s default). */
const maxTrackSeconds = 600;

/**
 * The caller's own audio as the video's track, not the 16 kHz mono the model hears: PCM at its rate, WAV
 * with its channels and rate, other files (MP3, M4A, …) with their channels as the Web Audio API decodes
 * them (at the audio context's rate).
 */
export async function browserAudioTrack(
  input: Blob | ArrayBuffer | Uint8Array | { readonly pcm: Float32Array; readonly sampleRate: number },
  signal?: AbortSignal,
): Promise<SinkAudio> {
  if (!(input instanceof Blob) && !(input instanceof ArrayBuffer) && !(input instanceof Uint8Array)) {
    return { pcm: input.pcm, sampleRate: input.sampleRate };
  }
  const bytes =
    input instanceof Uint8Array
      ? input
      : new Uint8Array(input instanceof Blob ? await input.arrayBuffer() : input);
  if (isWav(bytes)) {
    const wav = decodeWav(bytes);
    return { pcm: wav.channels, sampleRate: wav.sampleRate };
  }
  const decoded = await createWebAudioDecoder().decode(bytes, {
    maxDurationSeconds: maxTrackSeconds,
    ...(signal ? { signal } : {}),
  });
  return { pcm: decoded.channels, sampleRate: decoded.sampleRate };
}
