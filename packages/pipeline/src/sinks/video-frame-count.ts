/**
 * Frames of the video for audio of `seconds` at `fps`: `round(seconds · fps)`, at least one. The one
 * frame-count rule: the run keeps this many frames, and a video sink pads or trims to it. The video ends
 * with the audio (the official one runs about 3 frames past it, having padded 1920 samples).
 */
export function videoFrameCount(seconds: number, fps: number): number {
  return Math.max(1, Math.round(seconds * fps));
}
