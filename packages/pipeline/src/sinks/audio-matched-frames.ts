import { videoFrameCount } from './video-frame-count.js';

/**
 * Frame accounting of a video sink that makes the video last as long as its audio, to the nearest frame:
 * {@link videoFrameCount} frames, keeping the frames received up to that count, leaving
 * out the rest, and padding with copies of the last kept frame when fewer arrive. Without audio every frame
 * is kept and nothing is padded.
 */
export class AudioMatchedFrames {
  readonly #target: number;
  #received = 0;
  #kept = 0;

  /** `audioSeconds` undefined: no audio, keep everything. */
  constructor(fps: number, audioSeconds?: number) {
    this.#target = audioSeconds === undefined ? Number.POSITIVE_INFINITY : videoFrameCount(audioSeconds, fps);
  }

  /** Frames received so far: the index the next frame must have. */
  get received(): number {
    return this.#received;
  }

  /** Counts a received frame; true when the video still needs it (encode it), false when it is left out. */
  keep(): boolean {
    this.#received++;
    if (this.#kept >= this.#target) return false;
    this.#kept++;
    return true;
  }

  /** Copies of the last kept frame still needed to reach the audio's length. */
  get padding(): number {
    return Number.isFinite(this.#target) ? Math.max(0, this.#target - this.#kept) : 0;
  }

  /** The counts a sink reports once the padding is written. */
  summary(): { frameCount: number; framesWritten: number; framesPadded: number; framesDropped: number } {
    const padded = this.padding;
    return {
      frameCount: this.#kept + padded,
      framesWritten: this.#received,
      framesPadded: padded,
      framesDropped: this.#received - this.#kept,
    };
  }
}
