import { evenSize, type FrameEvent, toEvenFrame } from '@joyvasa/pipeline';
import type { FfmpegPipe } from './ffmpeg-pipe.js';
import { liveFps, rtpClock, startOpusEncoder, startVp8Encoder } from './live-codecs.js';
import type { LiveTracks } from './live-session.js';
import { createRtpWriter } from './rtp-writer.js';
import type { MediaClock } from './sender-reports.js';
import { vp8Payloads } from './vp8-payloads.js';

/**
 * Frames waiting in the VP8 encoder beyond which a tick's picture is skipped: the encoder is behind (it
 * hands out each frame as soon as it is encoded, so normally none waits when the next tick comes).
 */
const maxFramesInEncoder = 3;

/**
 * Encodes and sends both tracks of a session, each packet as soon as its encoder hands it out: tick k's
 * audio is Opus packets 2k and 2k+1 (20 ms each, RTP timestamps 1920k and 1920k+960) and its frame has
 * RTP timestamp 3600k. Both RTP clocks count media time from tick 0, and the sender reports map them onto
 * one wall clock (`clock`, see sender-reports.ts), so the browser lines the tracks up however long each
 * encoder takes; audio never waits for video (a burst of held-back audio makes the browser's jitter
 * buffer grow, and the voice fall behind the picture).
 */
export interface TrackSender {
  /**
   * Starts the VP8 encoder for frames of this size (ffmpeg takes 0.1–0.4 s to start): as soon as the size
   * is known (`source-ready`), so the first frame does not wait for it. A frame of another size restarts it.
   */
  prepare(size: { readonly width: number; readonly height: number }): void;
  /**
   * Sends tick `tick`: its audio (16-bit mono bytes at 48 kHz) and `frame`, the one shown at this tick (a
   * repeat when the renderer is late: the track keeps 25 frames/s). False when the encoder is behind and
   * the picture is skipped.
   */
  send(tick: number, audio: Uint8Array, frame: FrameEvent): boolean;
  /** Called when a tick's frame left as RTP (its packets handed to the peer), with the time (ms). */
  onFrameSent?: (tick: number, atMs: number) => void;
  /** Ends both encoders; resolves once they have exited. */
  close(): Promise<void>;
}

/**
 * Starts the Opus encoder now and the VP8 encoder when `prepare` gives the frame size (at `source-ready`; at
 * the latest the first frame). The first tick sent starts `clock` (media time 0 is due then).
 */
export function startTrackSender(
  tracks: LiveTracks,
  ffmpegPath: string,
  clock: MediaClock,
  maxVideoSide?: number,
): TrackSender {
  const writeVideo = createRtpWriter(tracks.video);
  const writeAudio = createRtpWriter(tracks.audio);
  const framesInEncoder: number[] = [];
  let audioPackets = 0;
  const opus = startOpusEncoder(ffmpegPath, (packet) => {
    writeAudio(packet, audioPackets++ * rtpClock.opusPacket, false);
  });
  let vp8: FfmpegPipe | undefined;
  let vp8Size = '';
  const sendFrame = (encoded: Uint8Array) => {
    const tick = framesInEncoder.shift() ?? 0;
    const payloads = vp8Payloads(encoded);
    const timestamp = tick * (rtpClock.video / liveFps);
    for (const [i, payload] of payloads.entries()) writeVideo(payload, timestamp, i === payloads.length - 1);
    sender.onFrameSent?.(tick, performance.now());
  };

  const sender: TrackSender = {
    prepare({ width, height }) {
      const size = { width: evenSize(width), height: evenSize(height) };
      if (vp8 && vp8Size === `${size.width}x${size.height}`) return;
      vp8?.kill();
      framesInEncoder.length = 0;
      vp8Size = `${size.width}x${size.height}`;
      vp8 = startVp8Encoder(ffmpegPath, size, sendFrame, maxVideoSide);
    },
    send(tick, audio, frame) {
      clock.originMs ??= performance.now() - (tick * 1000) / liveFps;
      void opus.write(audio);
      const sends = framesInEncoder.length < maxFramesInEncoder;
      if (sends) {
        this.prepare(frame.image);
        framesInEncoder.push(tick);
        void vp8!.write(toEvenFrame(frame.image));
      }
      return sends;
    },
    async close() {
      opus.kill();
      vp8?.kill();
      await Promise.allSettled([opus.ended, vp8?.ended]);
    },
  };
  return sender;
}
