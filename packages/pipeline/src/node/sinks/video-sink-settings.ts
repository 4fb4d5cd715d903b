import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { InvalidInputError } from '@joyvasa/core';
import type { FrameSinkStartInfo } from '../../sinks/frame-sink.js';
import { evenSize } from '../../sinks/to-even-frame.js';
import type { PreparedAudio } from '../ffmpeg/prepare-sink-audio.js';
import type { FfmpegVideoSinkOptions } from './ffmpeg-video-sink.js';

/** x264 speed/size trade-offs, fastest first. */
export type X264Preset =
  | 'ultrafast'
  | 'superfast'
  | 'veryfast'
  | 'faster'
  | 'fast'
  | 'medium'
  | 'slow'
  | 'slower'
  | 'veryslow';

const presets = new Set([
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
]);
/** ffmpeg's muxer per container extension, named explicitly because the temporary file has none. */
const muxers: Readonly<Record<string, string>> = {
  '.mp4': 'mp4',
  '.mov': 'mov',
  '.m4v': 'ipod',
  '.mkv': 'matroska',
};
const containers = new Set(Object.keys(muxers));

/** Checked options of a video sink, with the temporary file ffmpeg writes to. */
export interface VideoSinkSettings {
  readonly output: string;
  readonly partial: string;
  readonly crf: number;
  readonly preset: X264Preset;
  readonly audioBitrate: number;
}

/** Checks the options of {@link createFfmpegVideoSink} and picks the temporary output name. */
export function videoSinkSettings(options: FfmpegVideoSinkOptions): VideoSinkSettings {
  if (typeof options?.output !== 'string' || options.output === '') {
    throw new InvalidInputError('options.output', 'must be the path of the video file to write');
  }
  const output = resolve(options.output);
  const extension = extname(output).toLowerCase();
  if (!containers.has(extension)) {
    throw new InvalidInputError(
      'options.output',
      `must end in ${[...containers].join(', ')}; got '${extension}'`,
    );
  }
  const crf = options.crf ?? 18;
  if (!(crf >= 0 && crf <= 51)) throw new InvalidInputError('options.crf', `must lie in [0, 51], got ${crf}`);
  const preset = options.preset ?? 'medium';
  if (!presets.has(preset)) {
    throw new InvalidInputError(
      'options.preset',
      `must be one of ${[...presets].join(', ')}; got '${preset}'`,
    );
  }
  const audioBitrate = options.audioBitrate ?? 128_000;
  if (!(audioBitrate >= 8000 && audioBitrate <= 1_000_000)) {
    throw new InvalidInputError(
      'options.audioBitrate',
      `must lie in [8000, 1000000] bit/s, got ${audioBitrate}`,
    );
  }
  const token = `${globalThis.process.pid}-${randomBytes(4).toString('hex')}`;
  // No video extension: if ffmpeg outlives a killed process and finishes the file, it does not pass for a result.
  const partial = join(dirname(output), `.${basename(output, extension)}.${token}.partial`);
  return { output, partial, crf, preset, audioBitrate };
}

/** Checks the frame size and rate a sink is started with. */
export function checkStartInfo(info: FrameSinkStartInfo): void {
  const { width, height, fps } = info ?? {};
  for (const [name, size] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(size) || size < 1 || size > 16384) {
      throw new InvalidInputError(`info.${name}`, `must be an integer from 1 to 16384 pixels, got ${size}`);
    }
  }
  if (!(fps > 0 && fps <= 1000)) throw new InvalidInputError('info.fps', `must lie in (0, 1000], got ${fps}`);
}

/** The ffmpeg arguments: rgb24 frames on stdin (+ audio) to H.264 yuv420p (+ AAC) in `settings.partial`. */
export function ffmpegVideoArgs(
  settings: VideoSinkSettings,
  info: FrameSinkStartInfo,
  audio: PreparedAudio | undefined,
): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${evenSize(info.width)}x${evenSize(info.height)}`);
  args.push('-framerate', String(info.fps), '-i', 'pipe:0');
  if (audio) args.push(...audio.inputArgs);
  args.push('-map', '0:v:0', ...(audio ? ['-map', '1:a:0'] : []));
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    settings.preset,
    '-crf',
    String(settings.crf),
    '-pix_fmt',
    'yuv420p',
  );
  if (audio) args.push('-c:a', 'aac', '-b:a', String(settings.audioBitrate));
  if (extname(settings.output).toLowerCase() !== '.mkv') args.push('-movflags', '+faststart');
  args.push('-f', muxers[extname(settings.output).toLowerCase()]!, settings.partial);
  return args;
}
