/** Small test inputs made in memory: a PNG with texture (the fixture detector finds a "face"), a flat one, WAV speech. */
import { encodeWav } from '@joyvasa/audio-encoder';
import { encodePng } from '@joyvasa/pipeline/node';

/** A PNG of `width` × `height` with diagonal bands and checks: texture everywhere. */
export async function texturedPng(width = 96, height = 96): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      data[p] = ((x + y) * 7) % 256;
      data[p + 1] = ((x ^ y) * 13) % 256;
      data[p + 2] = (x * y) % 256;
    }
  }
  return encodePng({ width, height, channels: 3, data });
}

/** A square PNG of one grey: no face for the detector. */
export async function flatPng(side = 96): Promise<Uint8Array> {
  return encodePng({
    width: side,
    height: side,
    channels: 3,
    data: new Uint8Array(side * side * 3).fill(128),
  });
}

/** `seconds` of a warbling tone as 16 kHz 16-bit WAV bytes. */
export function toneWav(seconds: number): Uint8Array {
  const rate = 16000;
  const pcm = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < pcm.length; i++)
    pcm[i] = 0.25 * Math.sin((2 * Math.PI * (200 + 50 * Math.sin(i / 800)) * i) / rate);
  return encodeWav(pcm, rate);
}
