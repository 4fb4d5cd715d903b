import { InvalidInputError } from '@joyvasa/core';

/** Sample formats {@link encodeWav} writes: integer PCM (8-bit is unsigned) or IEEE float. */
export type WavSampleFormat = 'uint8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

/** Options of {@link encodeWav}. */
export interface EncodeWavOptions {
  /** Default `'int16'`. */
  readonly format?: WavSampleFormat;
  /**
   * Write a WAVE_FORMAT_EXTENSIBLE header. Default: only when there are more than 2 channels, where
   * the format asks for one.
   */
  readonly extensible?: boolean;
}

const layouts: Record<WavSampleFormat, { bits: number; float: boolean }> = {
  uint8: { bits: 8, float: false },
  int16: { bits: 16, float: false },
  int24: { bits: 24, float: false },
  int32: { bits: 32, float: false },
  float32: { bits: 32, float: true },
  float64: { bits: 64, float: true },
};

/**
 * Encodes PCM as a WAV file (RIFF, little-endian).
 *
 * Integer formats round to nearest and clip to full scale (1.0 maps to the largest code); they reject
 * NaN and Infinity. Float formats store the values as they are, non-finite ones included.
 *
 * @param pcm mono samples, or one Float32Array per channel (all the same length), nominally in [-1, 1].
 * @param sampleRate frames per second, a positive integer in Hz.
 * @returns the file's bytes.
 */
export function encodeWav(
  pcm: Float32Array | readonly Float32Array[],
  sampleRate: number,
  options: EncodeWavOptions = {},
): Uint8Array<ArrayBuffer> {
  const channels = pcm instanceof Float32Array ? [pcm] : [...pcm];
  const format = options.format ?? 'int16';
  const layout = layouts[format];
  if (!layout) throw new InvalidInputError('options.format', `unknown sample format '${format}'`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new InvalidInputError('sampleRate', `must be a positive integer number of Hz, got ${sampleRate}`);
  }
  const frames = channels[0]?.length ?? 0;
  if (channels.length === 0 || channels.length > 0xffff) {
    throw new InvalidInputError('pcm', `needs 1 to 65535 channels, got ${channels.length}`);
  }
  if (channels.some((channel) => channel.length !== frames)) {
    throw new InvalidInputError('pcm', 'channels have different lengths; pass channels of equal length');
  }
  const extensible = options.extensible ?? channels.length > 2;
  const blockAlign = (channels.length * layout.bits) / 8;
  const dataBytes = frames * blockAlign;
  const headerBytes = extensible ? 68 : 44;
  if (headerBytes + dataBytes + (dataBytes & 1) - 8 > 0xffffffff) {
    throw new InvalidInputError(
      'pcm',
      `is too long for a WAV file (${dataBytes} bytes of samples, 4 GiB max)`,
    );
  }
  const bytes = new Uint8Array(headerBytes + dataBytes + (dataBytes & 1));
  const view = new DataView(bytes.buffer);
  writeHeader(view, { channels: channels.length, sampleRate, blockAlign, extensible, dataBytes, ...layout });
  writeSamples(view, headerBytes, channels, format);
  return bytes;
}

interface HeaderFields {
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bits: number;
  readonly float: boolean;
  readonly extensible: boolean;
  readonly dataBytes: number;
}

function writeHeader(view: DataView, fields: HeaderFields): void {
  const tag = fields.float ? 3 : 1;
  const fmtSize = fields.extensible ? 40 : 16;
  let offset = 0;
  const text = (value: string) => {
    for (let i = 0; i < 4; i++) view.setUint8(offset++, value.charCodeAt(i));
  };
  const u16 = (value: number) => {
    view.setUint16(offset, value, true);
    offset += 2;
  };
  const u32 = (value: number) => {
    view.setUint32(offset, value, true);
    offset += 4;
  };
  text('RIFF');
  u32(view.byteLength - 8);
  text('WAVE');
  text('fmt ');
  u32(fmtSize);
  u16(fields.extensible ? 0xfffe : tag);
  u16(fields.channels);
  u32(fields.sampleRate);
  u32(fields.sampleRate * fields.blockAlign);
  u16(fields.blockAlign);
  u16(fields.bits);
  if (fields.extensible) {
    u16(22);
    u16(fields.bits);
    // No speaker positions assigned: the SDK only ever averages channels.
    u32(0);
    u16(tag);
    for (const byte of [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71])
      view.setUint8(offset++, byte);
  }
  text('data');
  u32(fields.dataBytes);
}

function writeSamples(
  view: DataView,
  start: number,
  channels: Float32Array[],
  format: WavSampleFormat,
): void {
  const bytesPerSample = layouts[format].bits / 8;
  const blockAlign = bytesPerSample * channels.length;
  channels.forEach((channel, c) => {
    let offset = start + c * bytesPerSample;
    for (let i = 0; i < channel.length; i++, offset += blockAlign) {
      const value = channel[i]!;
      if (format === 'float32') view.setFloat32(offset, value, true);
      else if (format === 'float64') view.setFloat64(offset, value, true);
      else writeInteger(view, offset, quantize(value, layouts[format].bits, c, i), format);
    }
  });
}

function quantize(value: number, bits: number, channel: number, index: number): number {
  if (!Number.isFinite(value)) {
    throw new InvalidInputError(
      'pcm',
      `sample ${index} of channel ${channel} is ${value}; integer WAV formats need finite samples`,
    );
  }
  const full = 2 ** (bits - 1);
  return Math.max(-full, Math.min(full - 1, Math.round(value * full)));
}

function writeInteger(view: DataView, offset: number, code: number, format: WavSampleFormat): void {
  switch (format) {
    case 'uint8':
      view.setUint8(offset, code + 128);
      break;
    case 'int16':
      view.setInt16(offset, code, true);
      break;
    case 'int24':
      view.setUint16(offset, code & 0xffff, true);
      view.setInt8(offset + 2, code >> 16);
      break;
    default:
      view.setInt32(offset, code, true);
  }
}
