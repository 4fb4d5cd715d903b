import { describe, expect, it } from 'vitest';
import { AudioMatchedFrames } from './audio-matched-frames.js';

function receive(frames: AudioMatchedFrames, count: number): boolean[] {
  return Array.from({ length: count }, () => frames.keep());
}

describe('AudioMatchedFrames', () => {
  it('pads with copies of the last frame when fewer frames than the audio needs arrive', () => {
    const frames = new AudioMatchedFrames(25, 2);
    expect(receive(frames, 47).every(Boolean)).toBe(true);
    expect(frames.padding).toBe(3);
    expect(frames.summary()).toEqual({
      frameCount: 50,
      framesWritten: 47,
      framesPadded: 3,
      framesDropped: 0,
    });
  });

  it('leaves out the frames past the end of the audio', () => {
    const frames = new AudioMatchedFrames(25, 2);
    const kept = receive(frames, 55);
    expect(kept.filter(Boolean)).toHaveLength(50);
    expect(kept.slice(50).some(Boolean)).toBe(false);
    expect(frames.summary()).toEqual({
      frameCount: 50,
      framesWritten: 55,
      framesPadded: 0,
      framesDropped: 5,
    });
  });

  it('rounds the audio to the nearest frame, and keeps at least one frame', () => {
    expect(new AudioMatchedFrames(25, 0.119).padding).toBe(3);
    expect(new AudioMatchedFrames(25, 0.1).padding).toBe(3);
    expect(new AudioMatchedFrames(25, 0.001).padding).toBe(1);
  });

  it('keeps every frame and pads nothing without audio', () => {
    const frames = new AudioMatchedFrames(25);
    expect(receive(frames, 7).every(Boolean)).toBe(true);
    expect(frames.summary()).toEqual({ frameCount: 7, framesWritten: 7, framesPadded: 0, framesDropped: 0 });
  });
});
