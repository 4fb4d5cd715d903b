import { evenSize } from '../../sinks/to-even-frame.js';

/** What the live encoder's command line depends on. */
export interface LiveVideoSettings {
  readonly output: string;
  readonly format?: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The ffmpeg arguments of a live stream: rgb24 frames on stdin (and mono f32le audio at `audioSampleRate`
 * on pipe 3) to low-latency H.264 (and AAC), fragmented MP4 by default.
 */
export function liveVideoArgs(
  settings: LiveVideoSettings,
  fps: number,
  audioSampleRate: number | undefined,
): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  // Raw inputs need no probing; probing one pipe would wait for data while the other pipe fills up.
  const raw = ['-probesize', '32', '-analyzeduration', '0', '-thread_queue_size', '64'];
  const size = `${evenSize(settings.width)}x${evenSize(settings.height)}`;
  args.push(...raw, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', size, '-framerate', String(fps));
  args.push('-i', 'pipe:0');
  const audio = audioSampleRate !== undefined;
  if (audio) args.push(...raw, '-f', 'f32le', '-ar', String(audioSampleRate), '-ac', '1', '-i', 'pipe:3');
  args.push('-map', '0:v:0', ...(audio ? ['-map', '1:a:0', '-c:a', 'aac'] : []));
  // Low latency: no look-ahead, no B-frames, a key frame (and so a fragment) every second.
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p');
  args.push('-g', String(Math.max(1, Math.round(fps))));
  const format = settings.format ?? 'mp4';
  args.push('-f', format);
  if (format === 'mp4') args.push('-movflags', 'frag_keyframe+empty_moov+default_base_moof');
  // Each fragment leaves ffmpeg when it is complete, not when an I/O buffer fills.
  args.push('-flush_packets', '1', '-max_interleave_delta', '0');
  args.push(settings.output);
  return args;
}
