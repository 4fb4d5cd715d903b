import { type FfmpegPipe, startFfmpegPipe } from './ffmpeg-pipe.js';
import { createIvfFrameReader } from './ivf-reader.js';
import { createOggOpusWriter, createOggPacketReader } from './ogg-opus.js';

/** The session's audio: 16 kHz mono, the rate the motion model hears, so `stream()` resamples nothing. */
export const liveSampleRate = 16000;
/** Frames per second of the picture and of the paced ticks. */
export const liveFps = 25;
/** Audio samples per tick (40 ms at 16 kHz). */
export const samplesPerTick = liveSampleRate / liveFps;
/** RTP clock rates: VP8 90 kHz, Opus 48 kHz; one Opus packet is 20 ms (960 ticks). */
export const rtpClock = { video: 90000, audio: 48000, opusPacket: 960 } as const;

/**
 * The input's format is stated, so ffmpeg must not read ahead to probe it: by default it buffers up to
 * 5 MB first (100 frames of a 128² portrait, minutes of PCM) before it encodes anything. Not
 * `-fflags nobuffer`: with it, ffmpeg 5.1 passes each input packet on only once the next one has arrived
 * (a frame, 40 ms, late; measured by timing each IVF frame against its input).
 */
const noProbe = ['-probesize', '32', '-analyzeduration', '0'];

/**
 * VP8 in real time: no frame lag and no alt-ref (a frame comes out as soon as it goes in), error resilient,
 * a key frame every 2 s so a lost packet heals; IVF out, one frame per frame in. One encoder thread: with
 * ffmpeg 5.1's default (a thread per core) libvpx took 10–30 times the CPU per frame on the 2-core test
 * machine (128²: 19 ms instead of 0.6 ms; 512² noise: 46 ms instead of 4.5 ms), so under load the encoder
 * fell behind and the picture reached the browser 100–300 ms after its voice.
 */
export function startVp8Encoder(
  ffmpegPath: string,
  size: { width: number; height: number },
  onFrame: (frame: Uint8Array) => void,
  maxSide?: number,
): FfmpegPipe {
  const scale =
    maxSide !== undefined && Math.max(size.width, size.height) > maxSide
      ? maxSide / Math.max(size.width, size.height)
      : 1;
  const even = (value: number) => 2 * Math.max(1, Math.round((value * scale) / 2));
  return startFfmpegPipe(
    'VP8 encoder',
    ffmpegPath,
    [
      ...noProbe,
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size.width}x${size.height}`, '-r', `${liveFps}`],
      ...[
        '-i',
        'pipe:0',
        '-c:v',
        'libvpx',
        '-threads',
        '1',
        '-deadline',
        'realtime',
        '-cpu-used',
        '16',
        '-lag-in-frames',
        '0',
      ],
      ...['-auto-alt-ref', '0', '-error-resilient', '1', '-g', `${2 * liveFps}`, '-b:v', '1500k'],
      ...(scale < 1 ? ['-vf', `scale=${even(size.width)}:${even(size.height)}`] : []),
      ...['-pix_fmt', 'yuv420p', '-flush_packets', '1', '-f', 'ivf', 'pipe:1'],
    ],
    createIvfFrameReader(onFrame),
  );
}

/** The Opus encoder's input rate: Opus's own, so ffmpeg resamples nothing (a resampler's filter would
 * hold the end of each tick's audio until the next tick's arrives, 40 ms late). */
export const opusInputRate = 48000;

/**
 * Opus in its low-delay mode, 20 ms packets, from 48 kHz mono s16le; Ogg pages of one packet each (no
 * page waits for a second packet); the two header packets are left out.
 */
export function startOpusEncoder(ffmpegPath: string, onPacket: (packet: Uint8Array) => void): FfmpegPipe {
  let headers = 2;
  return startFfmpegPipe(
    'Opus encoder',
    ffmpegPath,
    [
      ...noProbe,
      ...['-f', 's16le', '-ar', `${opusInputRate}`, '-ac', '1', '-i', 'pipe:0'],
      ...['-c:a', 'libopus', '-application', 'lowdelay', '-frame_duration', '20', '-b:a', '48k'],
      ...['-page_duration', '20000', '-flush_packets', '1', '-f', 'ogg', 'pipe:1'],
    ],
    createOggPacketReader((packet) => {
      if (headers > 0) headers--;
      else onPacket(packet);
    }),
  );
}

/** A decoder of a peer's Opus RTP (its microphone) to 16 kHz mono s16le. */
export interface OpusDecoder {
  /** Decodes one RTP payload at its RTP timestamp. */
  write(payload: Uint8Array, rtpTimestamp: number): void;
  kill(): void;
}

/** Starts an ffmpeg that decodes Opus RTP payloads (wrapped in Ogg here) to 16 kHz mono PCM. */
export function startOpusDecoder(ffmpegPath: string, onPcm: (pcm: Int16Array) => void): OpusDecoder {
  let odd: Uint8Array = new Uint8Array(0);
  const pipe = startFfmpegPipe(
    'Opus decoder',
    ffmpegPath,
    [
      ...noProbe,
      ...['-f', 'ogg', '-i', 'pipe:0'],
      ...['-f', 's16le', '-ar', `${liveSampleRate}`, '-ac', '1', '-flush_packets', '1', 'pipe:1'],
    ],
    (bytes) => {
      const joined = odd.length === 0 ? bytes : Buffer.concat([odd, bytes]);
      const whole = joined.length & ~1;
      odd = joined.slice(whole);
      if (whole > 0) onPcm(new Int16Array(joined.slice(0, whole).buffer));
    },
  );
  const ogg = createOggOpusWriter(2);
  void pipe.write(ogg.header);
  return {
    write: (payload, rtpTimestamp) => void pipe.write(ogg.page(payload, rtpTimestamp)),
    kill: () => pipe.kill(),
  };
}
