import { type MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';

/**
 * Writes payloads into a local werift track as RTP packets with consecutive sequence numbers. The sender
 * sets the SSRC and payload type it negotiated, and reports, in its RTCP sender reports, each packet's RTP
 * timestamp against the time it was sent: the clock the browser aligns tracks by.
 */
export function createRtpWriter(
  track: MediaStreamTrack,
): (payload: Uint8Array, timestamp: number, marker: boolean) => void {
  let sequenceNumber = Math.floor(Math.random() * 0x8000);
  return (payload, timestamp, marker) => {
    const header = new RtpHeader({ sequenceNumber, timestamp: timestamp >>> 0, marker, payloadType: 0 });
    sequenceNumber = (sequenceNumber + 1) & 0xffff;
    track.writeRtp(
      new RtpPacket(header, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)),
    );
  };
}
