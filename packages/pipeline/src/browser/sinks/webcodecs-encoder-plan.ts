import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import type { FrameSinkStartInfo, SinkAudio } from '../../sinks/frame-sink.js';
import { evenSize } from '../../sinks/to-even-frame.js';

/** Video codecs the MP4 can carry: H.264, VP9, AV1. */
export type WebCodecsVideoCodec = 'avc' | 'vp9' | 'av1';
/** Audio codecs the MP4 can carry: AAC-LC, Opus. */
export type WebCodecsAudioCodec = 'aac' | 'opus';

/** Options of `createWebCodecsVideoSink`. */
export interface WebCodecsVideoSinkOptions {
  /** Default: the first of `avc`, `vp9`, `av1` the browser can encode at the frame size. */
  readonly videoCodec?: WebCodecsVideoCodec;
  /** Default: `aac` where the browser can encode it (Chrome and Safari on most systems), else `opus`. */
  readonly audioCodec?: WebCodecsAudioCodec;
  /** Video bit rate in bits per second. Default 0.2 bits per pixel per frame: 1.3 Mbit/s at 512x512, 25 fps. */
  readonly videoBitrate?: number;
  /** Audio bit rate in bits per second. Default 128000. */
  readonly audioBitrate?: number;
  /** Seconds between key frames (seek points). Default 2. */
  readonly keyFrameSeconds?: number;
  /** Audio to mux; when absent, `start`'s `info.audio` is used; with neither, the video is silent. */
  readonly audio?: SinkAudio;
  /** Aborts the sink: encoders are closed and nothing is returned. */
  readonly signal?: AbortSignal;
}

/** The video track: WebCodecs codec string, the muxer's name for it, bit rate. */
export interface VideoTrackPlan {
  readonly codec: string;
  readonly muxerCodec: WebCodecsVideoCodec;
  readonly bitrate: number;
}

/** The audio track: WebCodecs codec string, the muxer's name for it, rate and bit rate. */
export interface AudioTrackPlan {
  readonly codec: string;
  readonly muxerCodec: WebCodecsAudioCodec;
  readonly sampleRate: number;
  readonly bitrate: number;
}

/** What a sink encodes, decided at `start` from the options and what the browser supports. */
export interface EncoderPlan {
  readonly video: VideoTrackPlan;
  readonly audio?: AudioTrackPlan;
  readonly keyFrameSeconds: number;
}

/** Both encoders accept 48 kHz on every platform; the caller's track is resampled to it. */
export const audioSampleRate = 48_000;

/**
 * The H.264 level for a frame size at `fps`: the smallest of 3.1, 4.0, 5.1, 6.0 whose frame-size and
 * macroblock-rate limits hold, in the `avc1.PPCCLL` form (High profile).
 */
export function avcCodecString(width: number, height: number, fps: number): string {
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
  const levels: Array<[string, number, number]> = [
    ['1f', 3600, 108_000],
    ['28', 8192, 245_760],
    ['33', 36_864, 983_040],
    ['3c', 139_264, 4_177_920],
  ];
  const level = levels.find(([, frame, rate]) => macroblocks <= frame && macroblocks * fps <= rate);
  return `avc1.6400${level?.[0] ?? '3c'}`;
}

/** The WebCodecs codec strings tried for each codec, best first. */
function videoCandidates(codec: WebCodecsVideoCodec, width: number, height: number, fps: number): string[] {
  if (codec === 'avc') {
    const high = avcCodecString(width, height, fps);
    // High, then Main and Constrained Baseline at the same level: software encoders offer fewer profiles.
    return [high, high.replace('avc1.6400', 'avc1.4d00'), high.replace('avc1.6400', 'avc1.42e0')];
  }
  return codec === 'vp9' ? ['vp09.00.40.08'] : ['av01.0.08M.08'];
}

function checkRange(name: string, value: number | undefined, low: number, high: number, unit: string): void {
  if (value !== undefined && !(value >= low && value <= high)) {
    throw new InvalidInputError(`options.${name}`, `must lie in [${low}, ${high}] ${unit}, got ${value}`);
  }
}

/** Checks the options before anything is encoded. */
export function checkWebCodecsOptions(options: WebCodecsVideoSinkOptions): void {
  if (options.videoCodec !== undefined && !['avc', 'vp9', 'av1'].includes(options.videoCodec)) {
    throw new InvalidInputError('options.videoCodec', `must be avc, vp9 or av1, got '${options.videoCodec}'`);
  }
  if (options.audioCodec !== undefined && !['aac', 'opus'].includes(options.audioCodec)) {
    throw new InvalidInputError('options.audioCodec', `must be aac or opus, got '${options.audioCodec}'`);
  }
  checkRange('videoBitrate', options.videoBitrate, 50_000, 200_000_000, 'bit/s');
  checkRange('audioBitrate', options.audioBitrate, 8000, 1_000_000, 'bit/s');
  checkRange('keyFrameSeconds', options.keyFrameSeconds, 0.04, 60, 's');
}

/** The WebCodecs classes, or a MissingDependencyError that says where they exist. */
function webCodecs(): { VideoEncoder: typeof VideoEncoder; AudioEncoder: typeof AudioEncoder } {
  const scope = globalThis as { VideoEncoder?: typeof VideoEncoder; AudioEncoder?: typeof AudioEncoder };
  if (typeof scope.VideoEncoder !== 'function' || typeof scope.AudioEncoder !== 'function') {
    throw new MissingDependencyError(
      'WebCodecs',
      'this environment has no VideoEncoder/AudioEncoder (current Chrome, Edge, Firefox and Safari have them, ' +
        'in a secure context: https or localhost). Use createCanvasSink for a preview, or render in Node with ' +
        'createFfmpegVideoSink',
    );
  }
  return { VideoEncoder: scope.VideoEncoder, AudioEncoder: scope.AudioEncoder };
}

/**
 * Picks the codecs: the one asked for, or the first the browser can encode, checked with
 * `isConfigSupported` at the actual size and rate.
 *
 * `audioChannels` is undefined for a silent video.
 *
 * @throws MissingDependencyError when WebCodecs is missing or none of the codecs can be encoded.
 */
export async function planEncoders(
  options: WebCodecsVideoSinkOptions,
  info: FrameSinkStartInfo,
  audioChannels: number | undefined,
): Promise<EncoderPlan> {
  checkWebCodecsOptions(options);
  const codecs = webCodecs();
  const [width, height] = [evenSize(info.width), evenSize(info.height)];
  const bitrate = options.videoBitrate ?? Math.max(100_000, Math.round(0.2 * width * height * info.fps));
  let video: VideoTrackPlan | undefined;
  const tried: string[] = [];
  for (const muxerCodec of options.videoCodec ? [options.videoCodec] : (['avc', 'vp9', 'av1'] as const)) {
    for (const codec of videoCandidates(muxerCodec, width, height, info.fps)) {
      tried.push(codec);
      const config = { codec, width, height, bitrate, framerate: info.fps };
      if ((await codecs.VideoEncoder.isConfigSupported(config)).supported) {
        video = { codec, muxerCodec, bitrate };
        break;
      }
    }
    if (video) break;
  }
  if (!video) {
    throw new MissingDependencyError(
      'a video encoder',
      `this browser cannot encode ${width}x${height} at ${info.fps} fps with ${tried.join(', ')}`,
    );
  }
  const keyFrameSeconds = options.keyFrameSeconds ?? 2;
  if (audioChannels === undefined) return { video, keyFrameSeconds };
  const audioBitrate = options.audioBitrate ?? 128_000;
  const audioCandidates: Array<[string, WebCodecsAudioCodec]> = [
    ['mp4a.40.2', 'aac'],
    ['opus', 'opus'],
  ];
  for (const [codec, muxerCodec] of audioCandidates) {
    if (options.audioCodec && options.audioCodec !== muxerCodec) continue;
    const config = {
      codec,
      sampleRate: audioSampleRate,
      numberOfChannels: audioChannels,
      bitrate: audioBitrate,
    };
    if ((await codecs.AudioEncoder.isConfigSupported(config)).supported) {
      return {
        video,
        audio: { codec, muxerCodec, sampleRate: audioSampleRate, bitrate: audioBitrate },
        keyFrameSeconds,
      };
    }
  }
  throw new MissingDependencyError(
    'an audio encoder',
    `this browser cannot encode ${options.audioCodec ?? 'AAC or Opus'} audio at ${audioSampleRate} Hz`,
  );
}
