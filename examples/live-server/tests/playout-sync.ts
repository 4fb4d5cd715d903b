import type { ShownFrame, VoicePlayout } from './page-probe.js';

/** RTP clock rates of the session's tracks: VP8 90 kHz, Opus 48 kHz (both count media time from 0). */
const videoRate = 90000;
const audioRate = 48000;

/**
 * The wall-clock instant (ms) at which the voice's media time 0 was handed out for playout, from the
 * synchronization source samples within `windowMs` before `atMs` (the earliest: a sample names the RTP
 * timestamp of a 20 ms packet, and one taken while the packet's second 10 ms is handed out reads 10 ms
 * late); undefined when there are none.
 */
function voiceOriginAt(playout: readonly VoicePlayout[], atMs: number, windowMs: number): number | undefined {
  const near = playout.filter((p) => p.playedAtMs <= atMs && p.playedAtMs > atMs - windowMs);
  if (near.length === 0) return undefined;
  return Math.min(...near.map((p) => p.playedAtMs - (p.rtpTimestamp / audioRate) * 1000));
}

/** One shown frame's sync reading: its media time and the voice's heard then, both in seconds. */
export interface FrameSync {
  readonly mediaSeconds: number;
  /** Voice minus picture, seconds: positive when the voice is ahead. */
  readonly error: number;
}

/**
 * For each shown frame from media time `fromSeconds` on: the media time of the voice heard when it was
 * displayed minus the frame's own. The voice heard at display time D is the one handed out for playout at
 * D − `playoutDelayMs` (the audio device's delay).
 */
export function playoutSync(
  frames: readonly ShownFrame[],
  playout: readonly VoicePlayout[],
  fromSeconds: number,
  playoutDelayMs: number,
  windowMs = 60,
): FrameSync[] {
  const readings: FrameSync[] = [];
  for (const frame of frames) {
    const mediaSeconds = frame.rtpTimestamp / videoRate;
    if (mediaSeconds < fromSeconds) continue;
    const heardAtMs = frame.displayedAtMs - playoutDelayMs;
    const origin = voiceOriginAt(playout, heardAtMs, windowMs);
    if (origin !== undefined)
      readings.push({ mediaSeconds, error: (heardAtMs - origin) / 1000 - mediaSeconds });
  }
  return readings;
}
