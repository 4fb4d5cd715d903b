/** A WHEP connection: the portrait's video and voice as one MediaStream. */
export interface WhepConnection {
  readonly peer: RTCPeerConnection;
  /** The received tracks (video and audio), one stream: set it as a `<video>`'s `srcObject`. */
  readonly stream: MediaStream;
  /** The session's URL (the answer's `Location`): `DELETE` ends it, `POST …/audio` feeds it. */
  readonly location: string;
  /** Ends the session (`DELETE`) and the peer. */
  close(): Promise<void>;
}

/** Options of {@link connectWhep}. */
export interface WhepOptions {
  /** Sent up as the portrait's voice: the browser's microphone. Without it, speech comes from the server. */
  readonly microphone?: MediaStreamTrack;
  /** STUN/TURN servers; none needed on loopback. */
  readonly iceServers?: RTCIceServer[];
  /**
   * The jitter buffer target of both received tracks, ms (`RTCRtpReceiver.jitterBufferTarget`; default
   * 250). The same floor under both keeps voice and picture together: left to itself, Chrome's audio
   * buffer grew to 100–200 ms on a loaded server's bursts and its lip-sync let the picture run 80–130 ms
   * ahead of the voice for seconds (docs/guide/live.md, "Sync"). 0 leaves both to the browser.
   */
  readonly jitterBufferTargetMs?: number;
  /**
   * How much longer the picture's jitter buffer target is than the voice's, ms (default 30): the audio
   * output's own delay, which the voice still has to pass after its buffer and Chrome's lip-sync leaves
   * in place (it ignores differences under about 30 ms). Chrome's `media-playout` stats read 30 ms for it
   * here; with the same target under both, the voice read 15–36 ms behind its picture in the test, and
   * with this 3–18 ms ahead (docs/guide/live.md, "Sync, measured"). Ignored when the target is 0.
   */
  readonly pictureDelayMs?: number;
}

/** Defaults of {@link WhepOptions.jitterBufferTargetMs} and {@link WhepOptions.pictureDelayMs}. */
const defaultJitterBufferTargetMs = 250;
const defaultPictureDelayMs = 30;

/** Resolves once ICE gathering is complete: the offer then carries every candidate (WHEP without trickle). */
function gathered(peer: RTCPeerConnection): Promise<void> {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    peer.addEventListener('icegatheringstatechange', () => {
      if (peer.iceGatheringState === 'complete') resolve();
    });
  });
}

/**
 * Opens a live session: offers to receive video and audio (and to send the microphone, if given), POSTs
 * the offer to `endpoint` (`…/whep?portrait=NAME`), and applies the answer. Throws with the server's
 * message when it refuses (503 when full: `retryAfterSeconds` says when to try again).
 */
export async function connectWhep(endpoint: string, options: WhepOptions = {}): Promise<WhepConnection> {
  const peer = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
  const stream = new MediaStream();
  peer.addEventListener('track', (event) => stream.addTrack(event.track));
  peer.addTransceiver('video', { direction: 'recvonly' });
  if (options.microphone) peer.addTransceiver(options.microphone, { direction: 'sendrecv' });
  else peer.addTransceiver('audio', { direction: 'recvonly' });
  await peer.setLocalDescription(await peer.createOffer());
  await gathered(peer);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: peer.localDescription!.sdp,
  });
  if (response.status !== 201) {
    peer.close();
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    const retry = response.headers.get('retry-after');
    throw Object.assign(new Error(body.error?.message ?? `the server answered ${response.status}`), {
      status: response.status,
      retryAfterSeconds: retry === null ? undefined : Number(retry),
    });
  }
  const location = new URL(response.headers.get('location')!, response.url).href;
  await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  const target = options.jitterBufferTargetMs ?? defaultJitterBufferTargetMs;
  const pictureDelay = options.pictureDelayMs ?? defaultPictureDelayMs;
  for (const receiver of peer.getReceivers()) {
    const extra = receiver.track.kind === 'video' ? pictureDelay : 0;
    receiver.jitterBufferTarget = target ? target + extra : null;
  }
  return {
    peer,
    stream,
    location,
    async close() {
      peer.close();
      await fetch(location, { method: 'DELETE' }).catch(() => undefined);
    },
  };
}
