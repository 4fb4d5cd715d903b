/** Container or stream formats {@link sniffAudioFormat} recognises from a file's first bytes. */
export type AudioFormatName = 'wav' | 'mp3' | 'aac' | 'flac' | 'ogg' | 'mp4' | 'webm' | 'aiff' | 'unknown';

/**
 * Guesses an audio file's format from its magic bytes. Used to word error messages and to pick a
 * decoding route (MP4 needs a seekable input); never to reject a file.
 */
export function sniffAudioFormat(bytes: Uint8Array): AudioFormatName {
  const text = (offset: number) =>
    bytes.length >= offset + 4 ? String.fromCharCode(...bytes.subarray(offset, offset + 4)) : '';
  const head = text(0);
  if ((head === 'RIFF' || head === 'RF64' || head === 'BW64') && text(8) === 'WAVE') return 'wav';
  if (head === 'FORM' && (text(8) === 'AIFF' || text(8) === 'AIFC')) return 'aiff';
  if (head === 'fLaC') return 'flac';
  if (head === 'OggS') return 'ogg';
  if (text(4) === 'ftyp') return 'mp4';
  if (head === '\x1a\x45\xdf\xa3') return 'webm';
  if (head.startsWith('ID3')) return 'mp3';
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  // Frame sync: 11 set bits. Layer bits 00 mark ADTS AAC, anything else an MPEG audio layer.
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0) return (b1 & 0x06) === 0 ? 'aac' : 'mp3';
  return 'unknown';
}
