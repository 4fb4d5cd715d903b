import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav, isWav } from '@joyvasa/audio-encoder';
import type { SinkAudio } from '../frame-sink.js';

/** The audio track a sink muxes in, and how to clean up after it. */
export interface CallerAudioTrack {
  readonly audio: SinkAudio;
  /** Removes what was written for the track (a temporary copy of encoded bytes). */
  release(): Promise<void>;
}

const nothing = async () => {};

/**
 * The caller's own audio as the video's track, not the 16 kHz mono the model hears: a file as it is, PCM
 * at its own rate, WAV bytes with their channels and rate, other encoded bytes (MP3, M4A, …) through a
 * temporary file that ffmpeg reads and {@link CallerAudioTrack.release} removes.
 */
export async function callerAudioTrack(
  input: string | Uint8Array | ArrayBuffer | { readonly pcm: Float32Array; readonly sampleRate: number },
): Promise<CallerAudioTrack> {
  if (typeof input === 'string') return { audio: { path: input }, release: nothing };
  if (!(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    return { audio: { pcm: input.pcm, sampleRate: input.sampleRate }, release: nothing };
  }
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (isWav(bytes)) {
    const wav = decodeWav(bytes);
    return { audio: { pcm: wav.channels, sampleRate: wav.sampleRate }, release: nothing };
  }
  const folder = await mkdtemp(join(tmpdir(), 'joyvasa-audio-'));
  const path = join(folder, 'audio');
  await writeFile(path, bytes);
  return { audio: { path }, release: () => rm(folder, { recursive: true, force: true }) };
}
