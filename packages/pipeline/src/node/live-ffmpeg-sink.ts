import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { evenSize, toEvenFrame } from '../to-even-frame.js';
import { FfmpegError } from './ffmpeg-error.js';
import { type FfmpegProcess, startFfmpeg } from './ffmpeg-process.js';

/** Options of {@link startLiveFfmpegSink}. */
export interface LiveFfmpegSinkOptions {
  /**
   * Where ffmpeg writes: a file path (written as it grows, playable while it is written), `pipe:1`, or any
   * URL ffmpeg can stream to with the chosen `format`.
   */
  readonly output: string;
  /** Frame size in pixels; odd sizes are made even. */
  readonly width: number;
  readonly height: number;
  /** Frames per second. Default 25. */
  readonly fps?: number;
  /** Rate of the mono audio given to `writeAudio`, in Hz. Default: no audio track. */
  readonly audioSampleRate?: number;
  /** ffmpeg's output format. Default `'mp4'`, fragmented (a fragment per key frame, a second apart). */
  readonly format?: string;
  /** The ffmpeg executable. Default `ffmpeg`. */
  readonly ffmpegPath?: string;
}

/** A live encoder: frames and audio in as they are made, a growing stream out. */
export interface LiveFfmpegSink {
  /** Writes the next frame (one per 1/fps s of video); resolves once ffmpeg can take more. */
  writeFrame(frame: RgbImage): Promise<void>;
  /** Writes the next mono samples of the audio track at `audioSampleRate`. */
  writeAudio(pcm: Float32Array): Promise<void>;
  /** Ends both tracks and waits for ffmpeg; returns the frames and audio seconds written. */
  finish(): Promise<{ readonly frames: number; readonly audioSeconds: number }>;
  /** Stops ffmpeg at once (what was written so far stays playable, fragment by fragment). */
  abort(): void;
}

function liveArgs(options: LiveFfmpegSinkOptions, fps: number): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  // Raw inputs need no probing; probing one pipe would wait for data while the other pipe fills up.
  const raw = ['-probesize', '32', '-analyzeduration', '0', '-thread_queue_size', '64'];
  const size = `${evenSize(options.width)}x${evenSize(options.height)}`;
  args.push(
    ...raw,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-s',
    size,
    '-framerate',
    String(fps),
    '-i',
    'pipe:0',
  );
  const audio = options.audioSampleRate !== undefined;
  if (audio)
    args.push(...raw, '-f', 'f32le', '-ar', String(options.audioSampleRate), '-ac', '1', '-i', 'pipe:3');
  args.push('-map', '0:v:0', ...(audio ? ['-map', '1:a:0', '-c:a', 'aac'] : []));
  // Low latency: no look-ahead, no B-frames, a key frame (and so a fragment) every second.
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p');
  args.push('-g', String(fps));
  const format = options.format ?? 'mp4';
  args.push('-f', format);
  if (format === 'mp4') args.push('-movflags', 'frag_keyframe+empty_moov+default_base_moof');
  // Each fragment leaves ffmpeg when it is complete, not when an I/O buffer fills.
  args.push('-flush_packets', '1', '-max_interleave_delta', '0');
  args.push(options.output);
  return args;
}

/**
 * Starts ffmpeg encoding a live talking head: H.264 (and AAC when `audioSampleRate` is set) as fragmented
 * MP4 by default, so the output is playable while it grows. Feed frames at the video's rate (a
 * `paceFrames` loop, or every frame of a `stream()`), and audio in step with them: ffmpeg interleaves
 * the two tracks by their timestamps, which come from the counts written, so writing each frame's 1/fps s
 * of audio before the frame keeps them in sync.
 *
 * @throws MissingDependencyError when ffmpeg cannot be started.
 */
export async function startLiveFfmpegSink(options: LiveFfmpegSinkOptions): Promise<LiveFfmpegSink> {
  const fps = options.fps ?? 25;
  for (const [name, value] of [
    ['width', options.width],
    ['height', options.height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 16384) {
      throw new InvalidInputError(
        `options.${name}`,
        `must be a whole number of pixels from 1 to 16384, got ${value}`,
      );
    }
  }
  const executable = options.ffmpegPath ?? 'ffmpeg';
  const ffmpeg: FfmpegProcess = await startFfmpeg(
    executable,
    liveArgs(options, fps),
    options.audioSampleRate ? 1 : 0,
  );
  let frames = 0;
  let audioSamples = 0;
  const failed = async (error: unknown): Promise<never> => {
    const exit = await ffmpeg.exited;
    throw new FfmpegError(
      `ffmpeg stopped while streaming to ${options.output}`,
      exit.code,
      ffmpeg.stderrTail(),
      { cause: error, signal: exit.signal },
    );
  };
  return {
    async writeFrame(frame) {
      if (frame.width !== options.width || frame.height !== options.height) {
        throw new InvalidInputError(
          'frame',
          `is ${frame.width}x${frame.height}, the sink was started at ${options.width}x${options.height}`,
        );
      }
      await ffmpeg.write(toEvenFrame(frame)).catch(failed);
      frames++;
    },
    async writeAudio(pcm) {
      if (options.audioSampleRate === undefined) {
        throw new InvalidInputError('audio', 'the sink was started without audioSampleRate');
      }
      await ffmpeg.write(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), 3).catch(failed);
      audioSamples += pcm.length;
    },
    async finish() {
      ffmpeg.end(0);
      if (options.audioSampleRate !== undefined) ffmpeg.end(3);
      const exit = await ffmpeg.exited;
      if (exit.code !== 0) {
        throw new FfmpegError(`ffmpeg failed writing ${options.output}`, exit.code, ffmpeg.stderrTail(), {
          signal: exit.signal,
        });
      }
      return { frames, audioSeconds: options.audioSampleRate ? audioSamples / options.audioSampleRate : 0 };
    },
    abort() {
      ffmpeg.child.kill('SIGKILL');
    },
  };
}
