import { videoFrameCount } from '../sinks/video-frame-count.js';
import type { LiveAudio } from './live-audio.js';

/** Which motion frames become video frames: those the audio reaches. */
export interface FrameBudget {
  /** True when frame `index` belongs to the video; for a stream, waits until its audio has arrived. */
  keeps(index: number): Promise<boolean>;
  /** The video's frame count; 0 while a stream's end is unknown. */
  totalFrames(): number;
  /** Duration of the audio so far (all of it at the end), in seconds. */
  durationSeconds(): number;
}

/** The budget of audio whose length is known. */
export function fixedFrameBudget(seconds: number, fps: number): FrameBudget {
  const total = videoFrameCount(seconds, fps);
  return {
    keeps: async (index) => index < total,
    totalFrames: () => total,
    durationSeconds: () => seconds,
  };
}

/**
 * The budget of a stream: frame `index` is kept once the audio received makes the video that long (the
 * same rule as {@link videoFrameCount} for the whole audio), or, after the end, if the whole audio does.
 */
export function liveFrameBudget(audio: LiveAudio, fps: number): FrameBudget {
  const reaches = (index: number) => (seconds: number) => videoFrameCount(seconds, fps) > index;
  return {
    async keeps(index) {
      await audio.waitFor(reaches(index));
      return reaches(index)(audio.seconds());
    },
    totalFrames: () => (audio.ended ? videoFrameCount(audio.seconds(), fps) : 0),
    durationSeconds: () => audio.seconds(),
  };
}
