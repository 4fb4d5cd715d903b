import { evenSize, type FrameEvent, toEvenFrame } from '@joyvasa/pipeline';
import type { FfmpegPipe } from './ffmpeg-pipe.js';
import { liveFps, rtpClock, startOpusEncoder, startVp8Encoder } from './live-codecs.js';
import type { LiveTracks } from './live-session.js';
import { createRtpWriter } from './rtp-writer.js';
import { vp8Payloads } from './vp8-payloads.js';

/**
 * Frames waiting in the VP8 encoder beyond which a tick's picture is skipped: the encoder is behind. ffmpeg
 * 5.1 hands out each frame when the next one comes in (one tick, 40 ms, of latency), so one always waits.
 */
const maxFramesInEncoder = 3;

/**
 * Encodes and sends both tracks of a session. Tick k's audio is Opus packets 2k and 2k+1 (20 ms each) and
 * its frame has RTP timestamp k·3600; an audio packet leaves only once every frame of an earlier or the same
 * tick has left the VP8 encoder, so both tracks of an instant are sent together, whatever the encoders'
 * delays, and the sender reports (RTP time against send time) give the browser the same clock for both.
 */
export interface TrackSender {
  /** Starts the VP8 encoder for frames of this size (ffmpeg takes a while to start): at the first frame. */
  prepare(frame: FrameEvent): void;
  /**
   * Sends tick `tick`: its audio (16-bit mono bytes at 16 kHz) and `frame`, the one shown at this tick (a
   * repeat when the renderer is late: the track keeps 25 frames/s). False when the encoder is behind and
   * the picture is skipped.
   */
  send(tick: number, audio: Uint8Array, frame: FrameEvent): boolean;
  /** Ends both encoders; resolves once they have exited. */
  close(): Promise<void>;
}

/** Starts the Opus encoder now and the VP8 encoder at the first frame (its size). */
export function startTrackSender(tracks: LiveTracks, ffmpegPath: string, maxVideoSide?: number): TrackSender {
  const writeVideo = createRtpWriter(tracks.video);
  const writeAudio = createRtpWriter(tracks.audio);
  const audioWaiting: { index: number; packet: Uint8Array }[] = [];
  const framesInEncoder: number[] = [];
  let encodedPackets = 0;
  let lastTick = -1;

  /** Sends the audio packets whose tick has no frame left in the encoder. */
  const releaseAudio = () => {
    const limit = framesInEncoder[0] ?? lastTick + 1;
    while (audioWaiting.length > 0 && audioWaiting[0]!.index < 2 * limit) {
      const { index, packet } = audioWaiting.shift()!;
      writeAudio(packet, index * rtpClock.opusPacket, false);
    }
  };
  const opus = startOpusEncoder(ffmpegPath, (packet) => {
    audioWaiting.push({ index: encodedPackets++, packet });
    releaseAudio();
  });
  let vp8: FfmpegPipe | undefined;
  const sendFrame = (encoded: Uint8Array) => {
    const tick = framesInEncoder.shift() ?? 0;
    const payloads = vp8Payloads(encoded);
    const timestamp = tick * (rtpClock.video / liveFps);
    for (const [i, payload] of payloads.entries()) writeVideo(payload, timestamp, i === payloads.length - 1);
    releaseAudio();
  };

  return {
    prepare(frame) {
      const { width, height } = frame.image;
      const size = { width: evenSize(width), height: evenSize(height) };
      vp8 ??= startVp8Encoder(ffmpegPath, size, sendFrame, maxVideoSide);
    },
    send(tick, audio, frame) {
      lastTick = tick;
      void opus.write(audio);
      const sends = framesInEncoder.length < maxFramesInEncoder;
      if (sends) {
        this.prepare(frame);
        framesInEncoder.push(tick);
        void vp8!.write(toEvenFrame(frame.image));
      }
      releaseAudio();
      return sends;
    },
    async close() {
      opus.kill();
      vp8?.kill();
      await Promise.allSettled([opus.ended, vp8?.ended]);
    },
  };
}
