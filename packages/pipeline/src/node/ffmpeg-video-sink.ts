import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { AudioMatchedFrames } from '../audio-matched-frames.js';
import type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1, SinkAudio } from '../frame-sink.js';
import { evenSize, toEvenFrame } from '../to-even-frame.js';
import { FfmpegError } from './ffmpeg-error.js';
import { type FfmpegProcess, startFfmpeg } from './ffmpeg-process.js';
import { type PreparedAudio, prepareSinkAudio } from './prepare-sink-audio.js';
import {
  checkFrame,
  checkStartInfo,
  ffmpegVideoArgs,
  type VideoSinkSettings,
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

/**
 * A {@link FrameSinkV1} that encodes frames with ffmpeg into H.264 (yuv420p) with AAC audio.
 *
 * Frames stream to ffmpeg's stdin as raw rgb24; each `write` resolves once the pipe takes more, so at most
 * one frame is buffered. Odd widths or heights are made even by repeating the last column or row.
 * With audio, the video lasts as long as the audio, to the nearest frame: `round(audioSeconds * fps)`
 * frames, padding with copies of the last frame or leaving out the frames past the end (the reference
 * writes ~3 frames more than its audio; those are the ones dropped). Without audio, every frame is kept.
 * ffmpeg writes to a hidden temporary file beside `output`, renamed on success, so a failed or aborted run
 * leaves no partial file and never clobbers an existing one.
 */
export function createFfmpegVideoSink(options: FfmpegVideoSinkOptions): FfmpegVideoSink {
  return new FfmpegPipeSink(options);
}

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

/** The sink {@link createFfmpegVideoSink} returns: a FrameSinkV1 whose `finish` says more. */
export interface FfmpegVideoSink extends FrameSinkV1 {
  finish(): Promise<FfmpegVideoSinkResult>;
}

type SinkState = 'idle' | 'starting' | 'running' | 'finishing' | 'done' | 'aborted' | 'failed';

class FfmpegPipeSink implements FfmpegVideoSink {
  readonly specificationVersion = 'v1' as const;
  readonly #options: FfmpegVideoSinkOptions;
  readonly #settings: VideoSinkSettings;
  readonly #ffmpegPath: string;
  #state: SinkState = 'idle';
  #process: FfmpegProcess | undefined;
  #info: FrameSinkStartInfo | undefined;
  #audio: PreparedAudio | undefined;
  #frames = new AudioMatchedFrames(25);
  #lastFrame: Uint8Array | undefined;
  #abortReason: unknown;
  readonly #onAbort = () => void this.abort(this.#options.signal?.reason).catch(() => {});

  constructor(options: FfmpegVideoSinkOptions) {
    this.#settings = videoSinkSettings(options);
    this.#options = options;
    this.#ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
  }

  async start(info: FrameSinkStartInfo): Promise<void> {
    this.#expect('idle', 'start');
    this.#options.signal?.throwIfAborted();
    this.#state = 'starting';
    try {
      checkStartInfo(info);
      await checkOutputPath(this.#settings.output);
      this.#info = info;
      const source = this.#options.audio ?? info.audio;
      const audio = source ? await prepareSinkAudio(source, this.#ffmpegPath) : undefined;
      this.#frames = new AudioMatchedFrames(info.fps, audio?.durationSeconds);
      this.#audio = audio;
      await mkdir(dirname(this.#settings.output), { recursive: true });
      const args = ffmpegVideoArgs(this.#settings, info, audio);
      const process = await startFfmpeg(this.#ffmpegPath, args, audio?.pipeBytes ? 1 : 0);
      this.#process = process;
      if (this.#state !== 'starting') throw this.#abortReason;
      if (audio?.pipeBytes) {
        // Not awaited: ffmpeg reads the audio as it interleaves it with frames; a broken pipe shows in the exit code.
        process.write(audio.pipeBytes, 3).then(
          () => process.end(3),
          () => {},
        );
      }
    } catch (error) {
      await this.#fail(error);
    }
    this.#state = 'running';
    this.#options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (this.#options.signal?.aborted) this.#onAbort();
  }

  async write(frame: RgbImage, index: number): Promise<void> {
    this.#expect('running', 'write');
    if (index !== this.#frames.received) {
      throw new InvalidInputError(
        'index',
        `expected frame ${this.#frames.received}, got ${index}; write frames in order`,
      );
    }
    checkFrame(frame, this.#info!);
    if (!this.#frames.keep()) return;
    this.#lastFrame = toEvenFrame(frame);
    await this.#send(this.#lastFrame);
  }

  async finish(): Promise<FfmpegVideoSinkResult> {
    this.#expect('running', 'finish');
    const lastFrame = this.#lastFrame;
    if (!lastFrame) {
      await this.abort();
      throw new InvalidInputError('frames', 'none were written; write at least one frame before finish()');
    }
    this.#state = 'finishing';
    const counts = this.#frames.summary();
    for (let i = 0; i < counts.framesPadded; i++) await this.#send(lastFrame);
    this.#process!.end(0);
    const exit = await this.#process!.exited;
    if (exit.code !== 0) await this.#fail(await this.#ffmpegFailure());
    await rename(this.#settings.partial, this.#settings.output).catch((error) => this.#fail(error));
    // abort() may have run while the rename was in flight.
    if ((this.#state as SinkState) === 'aborted') {
      await rm(this.#settings.output, { force: true });
      throw this.#abortReason;
    }
    this.#state = 'done';
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    const info = this.#info!;
    return {
      ...counts,
      durationSeconds: counts.frameCount / info.fps,
      files: [this.#settings.output],
      output: this.#settings.output,
      width: evenSize(info.width),
      height: evenSize(info.height),
      ...(this.#audio && { audioDurationSeconds: this.#audio.durationSeconds }),
    };
  }

  async abort(reason?: unknown): Promise<void> {
    if (this.#state === 'done' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    this.#abortReason = reason ?? new DOMException('The sink was aborted.', 'AbortError');
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.#stop();
  }

  #expect(state: SinkState, method: string): void {
    if (this.#state === 'aborted') throw this.#abortReason;
    if (this.#state !== state) {
      throw new InvalidInputError('sink', `${method}() cannot be called now (the sink is ${this.#state})`);
    }
  }

  async #send(chunk: Uint8Array): Promise<void> {
    try {
      await this.#process!.write(chunk);
    } catch (error) {
      await this.#fail(await this.#ffmpegFailure(error));
    }
  }

  async #ffmpegFailure(cause?: unknown): Promise<FfmpegError> {
    const exit = await this.#process!.exited;
    const what = `Writing ${this.#settings.output} failed`;
    return new FfmpegError(what, exit.code, this.#process!.stderrTail(), {
      signal: exit.signal,
      ...(cause ? { cause } : {}),
    });
  }

  /** Cleans up after an error and rethrows it (or the abort reason, when an abort caused it). */
  async #fail(error: unknown): Promise<never> {
    const aborted = this.#state === 'aborted';
    if (!aborted) this.#state = 'failed';
    await this.#stop();
    throw aborted ? this.#abortReason : error;
  }

  async #stop(): Promise<void> {
    this.#process?.child.kill('SIGKILL');
    await this.#process?.exited;
    // Under a file (ENOTDIR) there is no partial file to remove, and the error that brought us here says why.
    await rm(this.#settings.partial, { force: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTDIR') throw error;
    });
  }
}
