/** The largest RTP payload this sender writes: below a 1,200-byte packet, which fits any path's MTU. */
export const maxRtpPayloadBytes = 1100;

/**
 * One VP8 frame as RTP payloads (RFC 7741): each starts with the one-byte payload descriptor, `S` set on
 * the first (the start of partition 0), and the frame cut into pieces of at most `maxRtpPayloadBytes`.
 * The last payload's packet carries the marker bit.
 */
export function vp8Payloads(frame: Uint8Array): Uint8Array[] {
  const pieceSize = maxRtpPayloadBytes - 1;
  const payloads: Uint8Array[] = [];
  for (let at = 0; at < frame.length; at += pieceSize) {
    const piece = frame.subarray(at, at + pieceSize);
    const payload = new Uint8Array(piece.length + 1);
    payload[0] = at === 0 ? 0x10 : 0x00;
    payload.set(piece, 1);
    payloads.push(payload);
  }
  return payloads;
}
