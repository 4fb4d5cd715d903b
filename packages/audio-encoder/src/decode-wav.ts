import { InvalidInputError } from '@joyvasa/core';
import { readWavFormat, type WavFormat } from './wav-format.js';

/** A WAV file decoded to planar float samples. */
export interface DecodedWav {
  /** Frames per second, in Hz, as the file declares it. */
  readonly sampleRate: number;
  /** One array per channel, in file order; samples nominally in [-1, 1] (float files may exceed it). */
  readonly channels: Float32Array[];
  /** Sample frames per channel. */
  readonly frameCount: number;
  readonly format: WavFormat;
  /** `RF64` and `BW64` are the 64-bit-size variants of `RIFF`. */
  readonly container: 'RIFF' | 'RF64' | 'BW64';
}

/** Data-chunk size some streaming writers (ffmpeg on a pipe) put where the size is not yet known. */
const unknownSize = 0xffffffff;

/** True when the bytes start like a WAV file (RIFF, RF64 or BW64 container of type WAVE). */
export function isWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const id = ascii(bytes, 0);
  return (id === 'RIFF' || id === 'RF64' || id === 'BW64') && ascii(bytes, 8) === 'WAVE';
}

/**
 * Decodes a WAV file: integer PCM of 8 (unsigned) to 32 bits, IEEE float of 32 or 64 bits, any rate and
 * channel count, plain or WAVE_FORMAT_EXTENSIBLE headers, RF64/BW64 for files over 4 GiB, and data sizes
 * left unknown by streaming writers (read to the end of the bytes). Unknown chunks are skipped.
 *
 * @throws InvalidInputError when the bytes are not a WAV file, are truncated or corrupt, or use a codec
 *   other than PCM or float (A-law, ADPCM, …): decode those with `decodeAudio` and a platform decoder.
 */
export function decodeWav(input: Uint8Array | ArrayBuffer): DecodedWav {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length === 0) throw new InvalidInputError('audio', 'the WAV file is empty (0 bytes)');
  if (!isWav(bytes)) {
    const hint = bytes.length >= 4 && ascii(bytes, 0) === 'RIFX' ? ' (big-endian RIFX is not supported)' : '';
    throw new InvalidInputError('audio', `not a WAV file: no RIFF/WAVE header${hint}`);
  }
  const container = ascii(bytes, 0) as DecodedWav['container'];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = findChunks(bytes, view, container !== 'RIFF');
  if (!chunks.fmt) throw new InvalidInputError('audio', "the WAV file has no 'fmt ' chunk; it is corrupt");
  if (!chunks.data) throw new InvalidInputError('audio', "the WAV file has no 'data' chunk; it is corrupt");
  const format = readWavFormat(view, chunks.fmt.offset, chunks.fmt.size);
  const frameBytes = format.blockAlign;
  const frameCount = Math.floor(chunks.data.size / frameBytes);
  const channels = readSamples(view, chunks.data.offset, frameCount, format);
  return { sampleRate: format.sampleRate, channels, frameCount, format, container };
}

interface ChunkSpan {
  readonly offset: number;
  readonly size: number;
}

function findChunks(bytes: Uint8Array, view: DataView, wide: boolean): { fmt?: ChunkSpan; data?: ChunkSpan } {
  let fmt: ChunkSpan | undefined;
  let data: ChunkSpan | undefined;
  let wideDataSize: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length && !(fmt && data)) {
    const id = ascii(bytes, offset);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const available = bytes.length - body;
    if (id === 'ds64' && wide && declared >= 24) {
      wideDataSize = readUint64(view, body + 8);
    }
    if (id === 'data') {
      data = { offset: body, size: dataSize(declared, wideDataSize, available) };
      offset = body + data.size + (data.size & 1);
      continue;
    }
    if (declared > available) {
      throw new InvalidInputError(
        'audio',
        `the WAV chunk '${id}' at byte ${offset} declares ${declared} bytes but only ${available} remain; ` +
          'the file is truncated',
      );
    }
    if (id === 'fmt ') fmt = { offset: body, size: declared };
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = body + declared + (declared & 1);
  }
  return { ...(fmt && { fmt }), ...(data && { data }) };
}

function dataSize(declared: number, wideSize: number | undefined, available: number): number {
  if (declared === unknownSize) {
    if (wideSize !== undefined && wideSize !== 0) return checkedSize(wideSize, available);
    return available;
  }
  return checkedSize(declared, available);
}

function checkedSize(size: number, available: number): number {
  if (size > available) {
    throw new InvalidInputError(
      'audio',
      `the WAV data chunk declares ${size} bytes but only ${available} are present; the file is truncated`,
    );
  }
  return size;
}

function readUint64(view: DataView, offset: number): number {
  if (offset + 8 > view.byteLength) throw new InvalidInputError('audio', "the WAV 'ds64' chunk is truncated");
  const value = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw new InvalidInputError('audio', "the WAV 'ds64' size is absurd");
  return value;
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

type SampleReader = (view: DataView, offset: number) => number;

function readerFor(format: WavFormat): SampleReader {
  if (format.encoding === 'float') {
    return format.bitsPerSample === 32
      ? (view, offset) => view.getFloat32(offset, true)
      : (view, offset) => view.getFloat64(offset, true);
  }
  switch (format.bitsPerSample) {
    case 8:
      return (view, offset) => (view.getUint8(offset) - 128) / 128;
    case 16:
      return (view, offset) => view.getInt16(offset, true) / 32768;
    case 24:
      return (view, offset) => ((view.getInt8(offset + 2) << 16) | view.getUint16(offset, true)) / 8388608;
    default:
      return (view, offset) => view.getInt32(offset, true) / 2147483648;
  }
}

function readSamples(view: DataView, start: number, frameCount: number, format: WavFormat): Float32Array[] {
  const read = readerFor(format);
  const bytesPerSample = format.bitsPerSample / 8;
  const channels: Float32Array[] = [];
  for (let c = 0; c < format.channels; c++) {
    const channel = new Float32Array(frameCount);
    let offset = start + c * bytesPerSample;
    for (let i = 0; i < frameCount; i++, offset += format.blockAlign) channel[i] = read(view, offset);
    channels.push(channel);
  }
  return channels;
}
