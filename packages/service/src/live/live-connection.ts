import type { MediaStreamTrack, RTCIceServer, RTCPeerConnection } from 'werift';
import { startOpusDecoder } from './live-codecs.js';
import { answerOffer } from './live-peer.js';
import type { LiveSessionStats } from './live-routes.js';
import {
  createLiveTracks,
  type LiveSession,
  type LiveSessionOptions,
  type LiveTick,
  startLiveSession,
} from './live-session.js';

/** Options of {@link openLiveConnection}. */
export interface LiveConnectionOptions extends LiveSessionOptions {
  readonly iceServers: readonly RTCIceServer[];
  /** How long the peer may stay disconnected before the session is torn down, ms. */
  readonly peerLostMs: number;
}

/** A live session and the peer it sends to: ending either ends both. */
export interface LiveConnection {
  readonly session: LiveSession;
  /** The SDP answer for the peer. */
  readonly answer: string;
  /** The ticks sent, in order: the last 10 minutes of them (for tests and statistics). */
  readonly ticks: readonly LiveTick[];
  stats(): LiveSessionStats;
  /** Ends the session and the peer, frees the encoders; idempotent. */
  close(): Promise<void>;
  /** Resolves once everything is closed, whoever ended it. */
  readonly ended: Promise<void>;
}

/**
 * Answers a WHEP offer with a new live session: its tracks go to the peer, the peer's microphone (if it
 * sends one) is decoded into the session's audio, and the session ends when the peer is lost (ICE failed
 * or closed, or disconnected for `peerLostMs`).
 */
export async function openLiveConnection(
  offer: string,
  options: LiveConnectionOptions,
): Promise<LiveConnection> {
  const tracks = createLiveTracks();
  const peer = await answerOffer(offer, tracks, options.iceServers);
  // The clock starts once the answer is ready (ICE gathering can take a second), not before.
  const session = startLiveSession(options, tracks);
  const ticks: LiveTick[] = [];
  session.onTick = (tick) => {
    ticks.push(tick);
    if (ticks.length > keptTicks) ticks.splice(0, ticks.length - keptTicks);
  };
  const microphone = startMicrophone(peer.microphone, session, options.ffmpegPath ?? 'ffmpeg');
  let lostTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearTimeout(lostTimer);
      stopWatch();
      peer.stopReports();
      microphone.kill();
      await Promise.allSettled([session.close(), peer.connection.close()]);
    })();
    return closing;
  };
  const stopWatch = watchPeer(peer.connection, options.peerLostMs, () => void close());
  peer.connection.connectionStateChange.subscribe((state) => {
    clearTimeout(lostTimer);
    if (state === 'failed' || state === 'closed') void close();
    else if (state === 'disconnected') lostTimer = setTimeout(() => void close(), options.peerLostMs);
  });
  const ended = new Promise<void>((resolve) => {
    void session.done.catch(() => undefined).finally(() => void close().then(resolve));
  });
  return {
    session,
    answer: peer.answer,
    ticks,
    stats: () => statsOf(ticks, session),
    close,
    ended,
  };
}

/** Ticks kept for statistics: the last 10 minutes (a few hundred kB), so a long session stays flat. */
const keptTicks = 10 * 60 * 25;

/** How long a peer may take to connect and send its first RTCP report before it counts as lost, ms. */
const connectGraceMs = 15_000;

/**
 * Calls `onLost` when the peer has sent no RTCP for `peerLostMs` (after its first report; before it,
 * `connectGraceMs`). A browser reports on what it receives about once a second, and a tab that closes
 * says nothing to the server, nor does ICE notice soon: this is how a vanished peer is seen.
 */
function watchPeer(connection: RTCPeerConnection, peerLostMs: number, onLost: () => void): () => void {
  let lastHeard: number | undefined;
  const openedAt = performance.now();
  for (const sender of connection.getSenders()) {
    sender.onRtcp.subscribe(() => {
      lastHeard = performance.now();
    });
  }
  const timer = setInterval(() => {
    const silentFor = performance.now() - (lastHeard ?? openedAt);
    if (silentFor > (lastHeard === undefined ? connectGraceMs : peerLostMs)) onLost();
  }, 250);
  return () => clearInterval(timer);
}

/** Decodes the peer's microphone, when it sends one, into the session's audio. */
function startMicrophone(
  track: Promise<MediaStreamTrack> | undefined,
  session: LiveSession,
  ffmpegPath: string,
) {
  if (!track) return { kill: () => {} };
  const decoder = startOpusDecoder(ffmpegPath, (pcm) => session.pushAudio(pcm));
  void track.then((received) =>
    received.onReceiveRtp.subscribe((rtp) => decoder.write(rtp.payload, rtp.header.timestamp)),
  );
  return decoder;
}

/** What `GET …/whep/:id` answers. */
function statsOf(ticks: readonly LiveTick[], session: LiveSession): LiveSessionStats {
  const sent = ticks.filter((tick) => tick.frameIndex !== undefined);
  const last = sent.at(-1);
  return {
    ticks: ticks.length,
    repeated: ticks.length - sent.length,
    latencyMs: last && last.sentAtMs - (session.startedAtMs + last.tick * 40),
    queuedSeconds: session.audio.queuedSeconds,
  };
}
