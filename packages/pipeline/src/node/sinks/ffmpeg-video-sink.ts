import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { AudioMatchedFrames } from '../../sinks/audio-matched-frames.js';
import { createFrameSink } from '../../sinks/create-frame-sink.js';
import type { FrameSinkResult, FrameSinkV1, SinkAudio } from '../../sinks/frame-sink.js';
import { evenSize, toEvenFrame } from '../../sinks/to-even-frame.js';
import { type FfmpegProcess, startFfmpeg } from '../ffmpeg/ffmpeg-process.js';
import { type PreparedAudio, prepareSinkAudio } from '../ffmpeg/prepare-sink-audio.js';
import {
  checkStartInfo,
  ffmpegVideoArgs,
  videoSinkSettings,
  type X264Preset,
} from './video-sink-settings.js';

export type { X264Preset } from './video-sink-settings.js';

/** Options of {@link createFfmpegVideoSink}. */
export interface FfmpegVideoSinkOptions {
  /** Video file to write: `.mp4`, `.mov`, `.m4v` or `.mkv`. Parent folders are created. */
  readonly output: string;
  /** The ffmpeg executable. Default `ffmpeg`, looked up on PATH. */
  readonly ffmpegPath?: string;
  /** Audio to mux; when absent, `start`'s `info.audio` is used; with neither, the video is silent. */
  readonly audio?: SinkAudio;
  /** x264 constant rate factor, 0 (lossless) to 51. Default 18, as the reference writes its video. */
  readonly crf?: number;
  /** Default `'medium'`, x264's own default. */
  readonly preset?: X264Preset;
  /** AAC bit rate in bits per second. Default 128000. */
  readonly audioBitrate?: number;
  /** Aborts the sink: ffmpeg is killed and the partial file removed. */
  readonly signal?: AbortSignal;
}

/** What {@link createFfmpegVideoSink} produced. */
export interface FfmpegVideoSinkResult extends FrameSinkResult {
  /** The video file, as an absolute path. */
  readonly output: string;
  /** Encoded size in pixels: the frame size rounded up to even. */
  readonly width: number;
  readonly height: number;
  /** Frames received through `write`. */
  readonly framesWritten: number;
  /** Copies of the last frame appended to reach the audio's duration. */
  readonly framesPadded: number;
  /** Frames received after the audio's duration was filled, left out. */
  readonly framesDropped: number;
  /** Duration of the muxed audio in seconds, when there is audio. */
  readonly audioDurationSeconds?: number;
}

/** The sink {@link createFfmpegVideoSink} returns: a FrameSinkV1 whose `finish` says more. */
export type FfmpegVideoSink = FrameSinkV1<FfmpegVideoSinkResult>;

/** Refuses an output that names a folder now, rather than failing to rename onto it after the render. */
async function checkOutputPath(output: string): Promise<void> {
  const info = await stat(output).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTDIR') return undefined;
    throw new InvalidInputError(
      'options.output',
      `${output} lies under a file, not a folder; name a video file in a folder`,
    );
  });
  if (info && !info.isFile()) {
    throw new InvalidInputError(
      'options.output',
      `${output} is ${info.isDirectory() ? 'a folder' : 'not a regular file'}; name the video file to write`,
    );
  }
}

/**
 * A {@link FrameSinkV1} that encodes frames with ffmpeg into H.264 (yuv420p) with AAC audio.
 *
 * Frames stream to ffmpeg's stdin as raw rgb24; each `write` resolves once the pipe takes more, so at most
 * one frame is buffered. Odd widths or heights are made even by repeating the last column or row.
 * With audio, the video lasts as long as the audio, to the nearest frame: `round(audioSeconds * fps)`
 * frames, padding with copies of the last frame or leaving out the frames past the end (the reference
 * writes ~3 frames more than its audio; those are the ones dropped). The audio's `durationSeconds`, when
 * given, is used as it is; otherwise it is measured. Without audio, every frame is kept.
 * ffmpeg writes to a hidden temporary file beside `output`, renamed on success, so a failed or aborted run
 * leaves no partial file and never clobbers an existing one.
 */
export function createFfmpegVideoSink(options: FfmpegVideoSinkOptions): FfmpegVideoSink {
  const settings = videoSinkSettings(options);
  const ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  let ffmpeg: FfmpegProcess | undefined;
  let audio: PreparedAudio | undefined;
  let frames: AudioMatchedFrames | undefined;
  let lastFrame: Uint8Array | undefined;
  let aborted: { reason: unknown } | undefined;

  const stop = async () => {
    ffmpeg?.child.kill('SIGKILL');
    await ffmpeg?.exited;
    // Under a file (ENOTDIR) there is no partial file to remove, and the error that brought us here says why.
    await rm(settings.partial, { force: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTDIR') throw error;
    });
  };
  /** Cleans up after ffmpeg failed and throws why (or the abort reason, when an abort caused it). */
  const fail = async (cause?: unknown): Promise<never> => {
    const error = aborted
      ? aborted.reason
      : await ffmpeg!.failure(`Writing ${settings.output} failed`, cause);
    await stop();
    throw error;
  };
  const send = (chunk: Uint8Array) => ffmpeg!.write(chunk).catch(fail);

  return createFrameSink<Omit<FfmpegVideoSinkResult, 'files'>>({
    rgbOnly: true,
    ...(options.signal ? { signal: options.signal } : {}),
    async start(info) {
      checkStartInfo(info);
      await checkOutputPath(settings.output);
      const source = options.audio ?? info.audio;
      audio = source ? await prepareSinkAudio(source, ffmpegPath) : undefined;
      frames = new AudioMatchedFrames(info.fps, audio?.durationSeconds);
      await mkdir(dirname(settings.output), { recursive: true });
      const args = ffmpegVideoArgs(settings, info, audio);
      ffmpeg = await startFfmpeg(ffmpegPath, args, audio?.pipeBytes ? 1 : 0);
      if (audio?.pipeBytes) {
        const process = ffmpeg;
        // Not awaited: ffmpeg reads the audio as it interleaves it with frames; a broken pipe shows in the exit code.
        process.write(audio.pipeBytes, 3).then(
          () => process.end(3),
          () => {},
        );
      }
    },
    async write(frame: RgbImage) {
      if (!frames!.keep()) return;
      lastFrame = toEvenFrame(frame);
      await send(lastFrame);
    },
    async finish(_written, info) {
      if (!lastFrame) {
        throw new InvalidInputError('frames', 'none were written; write at least one frame before finish()');
      }
      const counts = frames!.summary();
      for (let i = 0; i < counts.framesPadded; i++) await send(lastFrame);
      ffmpeg!.end(0);
      const exit = await ffmpeg!.exited;
      if (exit.code !== 0) await fail();
      await rename(settings.partial, settings.output);
      return {
        ...counts,
        durationSeconds: counts.frameCount / info.fps,
        output: settings.output,
        width: evenSize(info.width),
        height: evenSize(info.height),
        ...(audio && { audioDurationSeconds: audio.durationSeconds }),
      };
    },
    files: () => [settings.output],
    async abort(reason) {
      aborted ??= { reason };
      await stop();
    },
  });
}
