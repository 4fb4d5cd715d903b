/**
 * Opus packets in and out of Ogg (RFC 7845), the container ffmpeg reads and writes Opus through a pipe:
 * a reader that splits a byte stream into packets, and a writer that wraps RTP payloads into pages.
 */

const crcTable = Uint32Array.from({ length: 256 }, (_, index) => {
  let crc = index << 24;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  return crc >>> 0;
});

/** Ogg's page checksum: CRC-32, polynomial 0x04c11db7, not reflected, from 0. */
function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

/**
 * Splits an Ogg byte stream (fed in any pieces) into its packets, in order; the two Opus header packets
 * (`OpusHead`, `OpusTags`) included. Packets that span pages are joined.
 */
export function createOggPacketReader(onPacket: (packet: Uint8Array) => void): (bytes: Uint8Array) => void {
  let buffered: Uint8Array = new Uint8Array(0);
  let partial: Uint8Array[] = [];
  return (bytes) => {
    buffered = buffered.length === 0 ? bytes : Buffer.concat([buffered, bytes]);
    while (buffered.length >= 27) {
      const segments = buffered[26]!;
      const headerSize = 27 + segments;
      if (buffered.length < headerSize) return;
      const lacing = buffered.subarray(27, headerSize);
      const bodySize = lacing.reduce((sum, value) => sum + value, 0);
      if (buffered.length < headerSize + bodySize) return;
      let at = headerSize;
      for (const value of lacing) {
        partial.push(buffered.subarray(at, at + value));
        at += value;
        if (value < 255) {
          onPacket(Buffer.concat(partial));
          partial = [];
        }
      }
      buffered = buffered.subarray(headerSize + bodySize);
    }
  };
}

/** One Ogg page of `packet` (shorter than 64 KiB). */
function oggPage(packet: Uint8Array, options: { headerType: number; granule: bigint; sequence: number }) {
  const lacing: number[] = [];
  for (let left = packet.length; ; left -= 255) {
    lacing.push(Math.min(left, 255));
    if (left < 255) break;
  }
  const page = new Uint8Array(27 + lacing.length + packet.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53, 0, options.headerType]);
  view.setBigUint64(6, options.granule, true);
  view.setUint32(14, 0x4a6f7956, true);
  view.setUint32(18, options.sequence, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  page.set(packet, 27 + lacing.length);
  view.setUint32(22, oggCrc(page), true);
  return page;
}

/**
 * Wraps Opus packets (an RTP stream's payloads, 48 kHz clock) into an Ogg stream for a decoder: the header
 * pages first, then one page per packet, its granule position the packet's RTP time since the first.
 */
export function createOggOpusWriter(channels: number): {
  readonly header: Uint8Array;
  page(packet: Uint8Array, rtpTimestamp: number): Uint8Array;
} {
  const head = new Uint8Array(19);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = channels;
  new DataView(head.buffer).setUint32(12, 48000, true);
  const tags = new Uint8Array(16);
  tags.set(new TextEncoder().encode('OpusTags'));
  const header = Buffer.concat([
    oggPage(head, { headerType: 2, granule: 0n, sequence: 0 }),
    oggPage(tags, { headerType: 0, granule: 0n, sequence: 1 }),
  ]);
  let sequence = 2;
  let first: number | undefined;
  return {
    header,
    page(packet, rtpTimestamp) {
      first ??= rtpTimestamp;
      const granule = BigInt(((rtpTimestamp - first) >>> 0) + 960);
      return oggPage(packet, { headerType: 0, granule, sequence: sequence++ });
    },
  };
}
