import { execFile } from 'node:child_process';
import { FfmpegError } from './ffmpeg-error.js';
import { missingFfmpegTool } from './ffmpeg-process.js';

/** One stream of a media file as ffprobe describes it; numbers parsed, absent fields undefined. */
export interface ProbedStream {
  readonly codecType: 'video' | 'audio' | string;
  readonly codecName: string;
  /** The codec profile (`High`, `LC`…). */
  readonly profile?: string;
  readonly width?: number;
  readonly height?: number;
  /** Pixel format (`yuv420p`, `rgba`, `gray`…), for video and pictures. */
  readonly pixelFormat?: string;
  /** Frames per second (from `r_frame_rate`). */
  readonly frameRate?: number;
  /** Frames counted by decoding with `countFrames`, else the container's count where it has one. */
  readonly frameCount?: number;
  readonly sampleRate?: number;
  readonly channels?: number;
  /** Seconds. */
  readonly duration?: number;
}

/** What ffprobe reads from a media file. */
export interface MediaProbe {
  readonly streams: readonly ProbedStream[];
  /** The first video stream, if any. */
  readonly video?: ProbedStream;
  /** The first audio stream, if any. */
  readonly audio?: ProbedStream;
  /** The container's duration in seconds and size in bytes, where it has them. */
  readonly format: { readonly duration?: number; readonly size?: number };
}

export interface ProbeMediaOptions {
  /** The ffprobe executable (Debian's ffmpeg package installs it beside ffmpeg). Default `ffprobe` on PATH. */
  readonly ffprobePath?: string;
  /** Decode every frame to count them exactly (slower; the container's figure can be missing). */
  readonly countFrames?: boolean;
}

interface RawStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
}

/** A number from ffprobe's text, undefined when absent or not a number (`N/A`). */
function numberOrUndefined(text: string | number | undefined): number | undefined {
  const value = Number(text);
  return text === undefined || !Number.isFinite(value) ? undefined : value;
}

/** `25/1` → 25. */
function parseRate(rate: string | undefined): number | undefined {
  const [num, den] = (rate ?? '').split('/').map(Number);
  return num !== undefined && den ? num / den : undefined;
}

/** The fields ffprobe gave, parsed; those it left out (or wrote as `N/A`) stay undefined. */
function toStream(raw: RawStream): ProbedStream {
  return {
    codecType: raw.codec_type,
    codecName: raw.codec_name,
    profile: raw.profile,
    width: raw.width,
    height: raw.height,
    pixelFormat: raw.pix_fmt,
    frameRate: raw.codec_type === 'video' ? parseRate(raw.r_frame_rate) : undefined,
    frameCount: numberOrUndefined(raw.nb_read_frames ?? raw.nb_frames),
    sampleRate: numberOrUndefined(raw.sample_rate),
    channels: raw.channels,
    duration: numberOrUndefined(raw.duration),
  };
}

/**
 * Reads the streams and container of a media file (a video this package wrote, a picture, an audio file)
 * with ffprobe: what a user checks before shipping a video.
 *
 * @throws MissingDependencyError when ffprobe cannot be started; FfmpegError when it cannot read the file.
 */
export function probeMedia(path: string, options: ProbeMediaOptions = {}): Promise<MediaProbe> {
  const executable = options.ffprobePath ?? 'ffprobe';
  const args = ['-v', 'error', ...(options.countFrames ? ['-count_frames'] : [])];
  args.push('-show_streams', '-show_format', '-of', 'json', `file:${path}`);
  return new Promise((resolve, reject) => {
    execFile(executable, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT' || code === 'EACCES') {
        reject(missingFfmpegTool('ffprobe', executable, error as NodeJS.ErrnoException));
        return;
      }
      if (error) {
        const exitCode = typeof error.code === 'number' ? error.code : null;
        reject(
          new FfmpegError(`ffprobe cannot read '${path}'`, exitCode, stderr.trim(), {
            cause: error,
            tool: 'ffprobe',
          }),
        );
        return;
      }
      const json = JSON.parse(stdout) as {
        streams?: RawStream[];
        format?: { duration?: string; size?: string };
      };
      const streams = (json.streams ?? []).map(toStream);
      const format = {
        duration: numberOrUndefined(json.format?.duration),
        size: numberOrUndefined(json.format?.size),
      };
      const video = streams.find((s) => s.codecType === 'video');
      const audio = streams.find((s) => s.codecType === 'audio');
      resolve({ streams, format, video, audio });
    });
  });
}
