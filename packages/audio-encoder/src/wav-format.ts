import { errorMarker, InvalidInputError } from '@joyvasa/core';

/** The sample layout a WAV file's `fmt ` chunk declares. */
export interface WavFormat {
  /** `pcm`: signed integers (unsigned for 8 bits); `float`: IEEE 754. */
  readonly encoding: 'pcm' | 'float';
  readonly channels: number;
  /** Frames per second, in Hz. */
  readonly sampleRate: number;
  /** Bits each sample occupies in the file: 8, 16, 24 or 32 (pcm); 32 or 64 (float). */
  readonly bitsPerSample: number;
  /** Bits that carry signal (WAVE_FORMAT_EXTENSIBLE may declare fewer than `bitsPerSample`). */
  readonly validBitsPerSample: number;
  /** Bytes per frame: `channels * bitsPerSample / 8`. */
  readonly blockAlign: number;
  /** True when the header is WAVE_FORMAT_EXTENSIBLE. */
  readonly extensible: boolean;
}

/**
 * Thrown (as an {@link InvalidInputError}) for a well-formed WAV file whose codec the built-in parser does
 * not decode; `decodeAudio` hands such files to the platform decoder instead.
 */
export class UnsupportedWavCodecError extends InvalidInputError {
  static override readonly marker = errorMarker('UnsupportedWavCodecError');
  /** The WAVE format tag, e.g. 0x0006 for A-law. */
  readonly formatTag: number;
  constructor(formatTag: number, description?: string) {
    const name = description ?? codecNames[formatTag] ?? 'a compressed codec';
    super(
      'audio',
      `the WAV file holds ${name} (format tag 0x${formatTag.toString(16).padStart(4, '0')}); the built-in ` +
        'parser reads PCM and float only. Decode it with decodeAudio from @joyvasa/audio-encoder/node ' +
        '(ffmpeg) or in a browser, or convert it to PCM first',
    );
    this.name = 'UnsupportedWavCodecError';
    this.formatTag = formatTag;
  }
}

const codecNames: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'mu-law',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  85: 'MP3',
};

const pcmTag = 0x0001;
const floatTag = 0x0003;
const extensibleTag = 0xfffe;
/** Bytes 2-15 of every KSDATAFORMAT_SUBTYPE GUID; bytes 0-1 hold the format tag. */
const subtypeSuffix = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];

/** Reads and checks a `fmt ` chunk of `size` bytes at `offset`. */
export function readWavFormat(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) throw new InvalidInputError('audio', `the WAV 'fmt ' chunk is ${size} bytes, 16 needed`);
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  let validBitsPerSample = bitsPerSample;
  const extensible = tag === extensibleTag;
  if (extensible) {
    if (size < 40) {
      throw new InvalidInputError(
        'audio',
        `the WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is ${size} bytes, 40 needed`,
      );
    }
    validBitsPerSample = view.getUint16(offset + 18, true) || bitsPerSample;
    tag = view.getUint16(offset + 24, true);
    const guidOk = subtypeSuffix.every((byte, i) => view.getUint8(offset + 26 + i) === byte);
    if (!guidOk) throw new UnsupportedWavCodecError(tag, 'an unrecognised WAVE_FORMAT_EXTENSIBLE subformat');
  }
  if (tag !== pcmTag && tag !== floatTag) throw new UnsupportedWavCodecError(tag);
  const encoding = tag === pcmTag ? 'pcm' : 'float';
  checkLayout(encoding, channels, sampleRate, bitsPerSample, blockAlign);
  if (validBitsPerSample > bitsPerSample) {
    throw new InvalidInputError(
      'audio',
      `the WAV header declares ${validBitsPerSample} valid bits in ${bitsPerSample}-bit samples; it is corrupt`,
    );
  }
  return { encoding, channels, sampleRate, bitsPerSample, validBitsPerSample, blockAlign, extensible };
}

function checkLayout(
  encoding: WavFormat['encoding'],
  channels: number,
  sampleRate: number,
  bitsPerSample: number,
  blockAlign: number,
): void {
  const allowed = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
  if (!allowed.includes(bitsPerSample)) {
    throw new InvalidInputError(
      'audio',
      `the WAV file declares ${bitsPerSample}-bit ${encoding} samples; ${allowed.join(', ')} are supported`,
    );
  }
  if (channels === 0)
    throw new InvalidInputError('audio', 'the WAV header declares 0 channels; it is corrupt');
  if (sampleRate === 0) {
    throw new InvalidInputError('audio', 'the WAV header declares a sample rate of 0 Hz; it is corrupt');
  }
  const expected = (channels * bitsPerSample) / 8;
  if (blockAlign !== expected) {
    throw new InvalidInputError(
      'audio',
      `the WAV header's block size is ${blockAlign} bytes but ${channels} channels of ${bitsPerSample} bits ` +
        `need ${expected}; it is corrupt`,
    );
  }
}
