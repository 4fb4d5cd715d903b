import type { JoyvasaEvent, MotionFrame, RgbImage } from '@joyvasa/core';
import type { CropMethod } from '@joyvasa/liveportrait';

/** How the source was prepared. */
export interface SourceReadyEvent {
  readonly type: 'source-ready';
  /** Size of the (size-limited) image the video is made from. */
  readonly width: number;
  readonly height: number;
  /**
   * How the crop was found: a detected face, a box or (animal) keypoints given by the caller, a centred crop
   * (animal mode when nothing else worked), or no crop.
   */
  readonly cropMethod: CropMethod;
  /** Faces the detector found (the largest is used). */
  readonly facesFound: number;
  /** The locator that found the face, when a `FaceLocatorV1` did (`mediapipe` by default without InsightFace). */
  readonly locator?: string;
  /** The crop square in the (size-limited) image: centre and side in pixels, roll in radians. */
  readonly cropSquare?: {
    readonly center: readonly [number, number];
    readonly size: number;
    readonly angle: number;
  };
}

/** Motion for a run of frames, sent as soon as a sampling window is done. */
export interface MotionChunkEvent {
  readonly type: 'motion-chunk';
  /** Index of the first frame of the chunk. */
  readonly startFrame: number;
  readonly frames: readonly MotionFrame[];
  /** Total frames of the video. */
  readonly totalFrames: number;
  /** Frames per second of the video. */
  readonly fps: number;
}

/** One finished video frame. */
export interface FrameEvent {
  readonly type: 'frame';
  readonly index: number;
  /** Time of the frame in the video, in seconds. */
  readonly time: number;
  readonly image: RgbImage;
}

/** The end of a run. */
export interface StreamEndEvent {
  readonly type: 'stream-end';
  readonly frameCount: number;
  readonly fps: number;
  /** Duration of the audio, which is the duration of the video. */
  readonly durationSeconds: number;
}

/** Everything `stream()` yields. */
export type TalkingHeadEvent =
  | JoyvasaEvent
  | SourceReadyEvent
  | MotionChunkEvent
  | FrameEvent
  | StreamEndEvent;
