import { InvalidInputError } from '@joyvasa/pipeline';
import { type MediaStreamTrack, type RTCIceServer, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import type { LiveTracks } from './live-session.js';
import { type ReportedSender, startSenderReports } from './sender-reports.js';

/** What {@link answerOffer} returns: the peer, its SDP answer, and whether the offer sends a microphone. */
export interface LivePeer {
  readonly connection: RTCPeerConnection;
  readonly answer: string;
  /** The peer's microphone track, when its offer sends audio (`sendrecv`); it arrives once connected. */
  readonly microphone: Promise<MediaStreamTrack> | undefined;
  /** Stops the RTCP sender reports (see sender-reports.ts). */
  stopReports(): void;
}

/** The codecs offered to a browser: Opus (RFC 7587) and VP8 (RFC 7741) with NACK and key-frame requests. */
function liveCodecs() {
  return {
    audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
    video: [
      new RTCRtpCodecParameters({
        mimeType: 'video/VP8',
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
      }),
    ],
  };
}

/** Whether the offer's audio section sends (a browser's microphone): `a=sendrecv` or `a=sendonly`. */
function offerSendsAudio(offer: string): boolean {
  const audio = offer.split(/\r?\nm=/).find((section) => section.startsWith('audio'));
  return audio !== undefined && /\na=(sendrecv|sendonly)\r?$/m.test(audio);
}

/**
 * Answers a WHEP offer (an SDP offer to receive audio and video, maybe sending audio) with a peer that
 * sends `tracks` in one media stream. Waits for ICE gathering, so the answer carries every candidate (WHEP
 * without trickle). `iceServers`: STUN/TURN for real deployments; none on loopback.
 */
export async function answerOffer(
  offer: string,
  tracks: LiveTracks,
  iceServers: readonly RTCIceServer[],
): Promise<LivePeer> {
  const connection = new RTCPeerConnection({ iceServers: [...iceServers], codecs: liveCodecs() });
  // werift announces a remote track while it applies the offer: listen before.
  const remoteAudio = new Promise<MediaStreamTrack>((resolve) =>
    connection.onTrack.subscribe((track) => track.kind === 'audio' && resolve(track)),
  );
  try {
    await connection.setRemoteDescription({ type: 'offer', sdp: offer });
  } catch (error) {
    await connection.close();
    throw new InvalidInputError('offer', `the SDP offer could not be applied: ${(error as Error).message}`);
  }
  let microphone: Promise<MediaStreamTrack> | undefined;
  const kinds = new Set<string>();
  const reported: ReportedSender[] = [];
  for (const transceiver of connection.getTransceivers()) {
    kinds.add(transceiver.kind);
    const track = transceiver.kind === 'video' ? tracks.video : tracks.audio;
    const sends = transceiver.kind === 'audio' && offerSendsAudio(offer);
    transceiver.setDirection(sends ? 'sendrecv' : 'sendonly');
    transceiver.sender.streamId = tracks.streamId;
    transceiver.sender.replaceTrack(track);
    reported.push({ sender: transceiver.sender, clockRate: transceiver.kind === 'video' ? 90000 : 48000 });
    if (sends) microphone = remoteAudio;
  }
  if (!kinds.has('video') || !kinds.has('audio')) {
    await connection.close();
    throw new InvalidInputError('offer', 'the SDP offer must receive one audio and one video track');
  }
  await connection.setLocalDescription(await connection.createAnswer());
  if (connection.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) =>
      connection.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve()),
    );
  }
  const stopReports = startSenderReports(reported, tracks.clock);
  return { connection, answer: connection.localDescription!.sdp, microphone, stopReports };
}
