import { describe, expect, it } from 'vitest';
import type { ShownFrame, VoicePlayout } from './page-probe.js';
import { playoutSync } from './playout-sync.js';

/** Frames k = 0… displayed at `originMs` + 40k ms, and the voice's 20 ms packets handed out from `voiceOriginMs`. */
function timeline(originMs: number, voiceOriginMs: number, seconds: number) {
  const frames: ShownFrame[] = [];
  const playout: VoicePlayout[] = [];
  for (let k = 0; k < seconds * 25; k++)
    frames.push({ rtpTimestamp: k * 3600, displayedAtMs: originMs + k * 40 });
  for (let n = 0; n < seconds * 50; n++)
    playout.push({ rtpTimestamp: n * 960, playedAtMs: voiceOriginMs + n * 20 });
  return { frames, playout };
}

describe('playoutSync', () => {
  it('reads the voice heard at each frame, after the audio device delay, minus the frame', () => {
    // The voice is handed out 30 ms before its picture is displayed and the device plays it 30 ms later.
    const { frames, playout } = timeline(1030, 1000, 3);
    const sync = playoutSync(frames, playout, 1, 30);
    expect(sync).toHaveLength(50);
    expect(sync[0]!.mediaSeconds).toBe(1);
    for (const { error } of sync) expect(error).toBeCloseTo(0, 6);
  });

  it('is positive when the voice is ahead and negative when it is behind', () => {
    const ahead = timeline(1120, 1000, 2);
    for (const { error } of playoutSync(ahead.frames, ahead.playout, 1, 0))
      expect(error).toBeCloseTo(0.12, 6);
    const behind = timeline(1000, 1120, 2);
    for (const { error } of playoutSync(behind.frames, behind.playout, 1, 0))
      expect(error).toBeCloseTo(-0.12, 6);
  });

  it('skips frames with no voice handed out just before them', () => {
    const { frames } = timeline(1000, 1000, 2);
    expect(playoutSync(frames, [], 0, 0)).toEqual([]);
  });
});
