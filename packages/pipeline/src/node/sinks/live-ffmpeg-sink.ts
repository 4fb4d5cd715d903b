import { isAbsolute } from 'node:path';
import type { RgbImage } from '@joyvasa/core';
import { createFrameSink } from '../../sinks/create-frame-sink.js';
import type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1 } from '../../sinks/frame-sink.js';
import { toEvenFrame } from '../../sinks/to-even-frame.js';
import { type FfmpegProcess, startFfmpeg } from '../ffmpeg/ffmpeg-process.js';
import { liveVideoArgs } from './live-video-args.js';
import { checkStartInfo } from './video-sink-settings.js';

/** Options of {@link createLiveFfmpegSink}. */
export interface LiveFfmpegSinkOptions {
  /**
   * Where ffmpeg writes: a file path (written as it grows, playable while it is written), `pipe:1`, or any
   * URL ffmpeg can stream to with the chosen `format`.
   */
  readonly output: string;
  /** ffmpeg's output format. Default `'mp4'`, fragmented (a fragment per key frame, a second apart). */
  readonly format?: string;
  /** The ffmpeg executable. Default `ffmpeg`. */
  readonly ffmpegPath?: string;
  /** Stops ffmpeg at once (what was written so far stays playable, fragment by fragment). */
  readonly signal?: AbortSignal;
}

/** What {@link createLiveFfmpegSink} produced. */
export interface LiveFfmpegSinkResult extends FrameSinkResult {
  /** Seconds of audio written (0 without live audio). */
  readonly audioSeconds: number;
}

/** The sink {@link createLiveFfmpegSink} returns: a FrameSinkV1 that takes live audio. */
export interface LiveFfmpegSink extends FrameSinkV1<LiveFfmpegSinkResult> {
  writeAudio(pcm: Float32Array): Promise<void>;
}

/** A file ffmpeg writes (listed in the result), rather than a pipe or a URL. */
function isFile(output: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(output) || isAbsolute(output);
}

/**
 * A live encoder as a {@link FrameSinkV1}: `start` takes the frame size, the frame rate and, for an audio
 * track, `audio: { live: true, sampleRate }`; then frames and audio go in as they are made, and ffmpeg
 * writes H.264 (and AAC) as fragmented MP4 by default, playable while it grows. Feed frames at the video's
 * rate (a `paceFrames` loop, or every frame of a `stream()`), and audio in step with them: ffmpeg interleaves
 * the two tracks by their timestamps, which come from the counts written, so writing each frame's 1/fps s
 * of audio before the frame keeps them in sync. `abort` stops ffmpeg at once; what was written stays.
 *
 * `start` throws MissingDependencyError when ffmpeg cannot be started.
 */
export function createLiveFfmpegSink(options: LiveFfmpegSinkOptions): LiveFfmpegSink {
  const executable = options.ffmpegPath ?? 'ffmpeg';
  let ffmpeg: FfmpegProcess | undefined;
  let audioSamples = 0;
  const failed = async (error: unknown): Promise<never> => {
    throw await ffmpeg!.failure(`ffmpeg stopped while streaming to ${options.output}`, error);
  };
  const audioRate = (info: FrameSinkStartInfo) =>
    info.audio && 'live' in info.audio ? info.audio.sampleRate : undefined;
  const sink = createFrameSink<{ audioSeconds: number }>({
    rgbOnly: true,
    ...(options.signal ? { signal: options.signal } : {}),
    async start(info) {
      checkStartInfo(info);
      const sampleRate = audioRate(info);
      const args = liveVideoArgs(
        { ...options, width: info.width, height: info.height },
        info.fps,
        sampleRate,
      );
      ffmpeg = await startFfmpeg(executable, args, sampleRate ? 1 : 0);
    },
    async write(frame: RgbImage) {
      await ffmpeg!.write(toEvenFrame(frame)).catch(failed);
    },
    async writeAudio(pcm) {
      const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      await ffmpeg!.write(bytes, 3).catch(failed);
      audioSamples += pcm.length;
    },
    async finish(_written, info) {
      const sampleRate = audioRate(info);
      ffmpeg!.end(0);
      if (sampleRate) ffmpeg!.end(3);
      const exit = await ffmpeg!.exited;
      if (exit.code !== 0) throw await ffmpeg!.failure(`ffmpeg failed writing ${options.output}`);
      return { audioSeconds: sampleRate ? audioSamples / sampleRate : 0 };
    },
    files: () => (isFile(options.output) ? [options.output] : []),
    async abort() {
      // What was streamed stays: a live output is playable up to its last fragment.
      ffmpeg?.child.kill('SIGKILL');
      await ffmpeg?.exited;
    },
  });
  return sink as LiveFfmpegSink;
}
