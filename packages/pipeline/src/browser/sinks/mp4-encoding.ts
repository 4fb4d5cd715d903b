import type { RgbImage } from '@joyvasa/core';
import { AudioMatchedFrames } from '../../sinks/audio-matched-frames.js';
import type { FrameSinkStartInfo } from '../../sinks/frame-sink.js';
import { evenSize, toEvenFrame } from '../../sinks/to-even-frame.js';
import { StreamingMp4 } from './streaming-mp4.js';
import { VideoEncodingError } from './video-encoding-error.js';
import type { AudioTrackPlan, EncoderPlan } from './webcodecs-encoder-plan.js';
import type { WebCodecsVideoSinkResult } from './webcodecs-video-sink.js';

/** Encoded chunks waiting in an encoder before `write` waits for it: bounds memory on slow encoders. */
const maxQueuedFrames = 4;
/** Audio is handed to the encoder in pieces of this many seconds. */
const audioPieceSeconds = 1;

/** Resolves once `encoder` holds at most `limit` queued requests (the `dequeue` event, else a short poll). */
async function drainTo(encoder: VideoEncoder, limit: number): Promise<void> {
  while (encoder.encodeQueueSize > limit && encoder.state === 'configured') {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        encoder.removeEventListener('dequeue', done);
        resolve();
      };
      const timer = setTimeout(done, 20);
      encoder.addEventListener('dequeue', done);
    });
  }
}

/** RGB bytes of even size → RGBX, the layout `VideoFrame` takes. */
function toRgbx(rgb: Uint8Array, pixels: number, into: Uint8Array): Uint8Array {
  for (let p = 0, q = 0; p < pixels * 3; p += 3, q += 4) {
    into[q] = rgb[p]!;
    into[q + 1] = rgb[p + 1]!;
    into[q + 2] = rgb[p + 2]!;
    into[q + 3] = 255;
  }
  return into;
}

/** Sends all of `channels` to a configured audio encoder, in one-second pieces. */
function encodeAudio(encoder: AudioEncoder, channels: Float32Array[], track: AudioTrackPlan): void {
  const piece = track.sampleRate * audioPieceSeconds;
  const length = channels[0]!.length;
  for (let start = 0; start < length; start += piece) {
    const frames = Math.min(piece, length - start);
    const planar = new Float32Array(frames * channels.length);
    for (const [c, pcm] of channels.entries()) planar.set(pcm.subarray(start, start + frames), c * frames);
    const data = new AudioData({
      format: 'f32-planar',
      sampleRate: track.sampleRate,
      numberOfChannels: channels.length,
      numberOfFrames: frames,
      timestamp: Math.round((start / track.sampleRate) * 1e6),
      data: planar,
    });
    encoder.encode(data);
    data.close();
  }
}

/** The encoders and muxer of one video, from `start` to `finish`. */
export class Mp4Encoding {
  readonly mp4: StreamingMp4;
  readonly video: VideoEncoder;
  readonly audio: AudioEncoder | undefined;
  readonly frames: AudioMatchedFrames;
  readonly width: number;
  readonly height: number;
  readonly audioSeconds: number | undefined;
  readonly #plan: EncoderPlan;
  readonly #fps: number;
  /** Frames from one key frame to the next. */
  readonly #keyFrameInterval: number;
  #error: unknown;
  #encoded = 0;
  #rgbx: Uint8Array;
  #lastFrame: Uint8Array | undefined;

  /** Starts the muxer, then the encoders (audio is handed over whole, in one-second pieces). */
  static async open(
    plan: EncoderPlan,
    info: FrameSinkStartInfo,
    channels: Float32Array[] | undefined,
  ): Promise<Mp4Encoding> {
    const audioTrack = plan.audio && channels ? plan.audio : undefined;
    const mp4 = await StreamingMp4.create(plan, info.fps, audioTrack);
    await mp4.output.start();
    return new Mp4Encoding(
      mp4,
      plan,
      info,
      audioTrack && channels ? { track: audioTrack, channels } : undefined,
    );
  }

  private constructor(
    mp4: StreamingMp4,
    plan: EncoderPlan,
    info: FrameSinkStartInfo,
    audio: { readonly track: AudioTrackPlan; readonly channels: Float32Array[] } | undefined,
  ) {
    this.mp4 = mp4;
    this.width = evenSize(info.width);
    this.height = evenSize(info.height);
    this.#plan = plan;
    this.#fps = info.fps;
    this.#keyFrameInterval = Math.max(1, Math.round(plan.keyFrameSeconds * info.fps));
    this.audioSeconds = audio ? audio.channels[0]!.length / audio.track.sampleRate : undefined;
    this.frames = new AudioMatchedFrames(info.fps, this.audioSeconds);
    this.#rgbx = new Uint8Array(this.width * this.height * 4);
    const fail = (what: string) => (error: unknown) => {
      this.#error ??= new VideoEncodingError(
        `the browser's ${what} failed: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    };
    this.video = new VideoEncoder({
      output: (chunk, meta) => mp4.addVideo(chunk, meta, fail('MP4 muxer (video)')),
      error: fail('video encoder'),
    });
    this.video.configure({
      codec: plan.video.codec,
      width: this.width,
      height: this.height,
      bitrate: plan.video.bitrate,
      framerate: info.fps,
      latencyMode: 'quality',
    });
    if (audio) {
      this.audio = new AudioEncoder({
        output: (chunk, meta) => mp4.addAudio(chunk, meta, fail('MP4 muxer (audio)')),
        error: fail('audio encoder'),
      });
      this.audio.configure({
        codec: audio.track.codec,
        sampleRate: audio.track.sampleRate,
        numberOfChannels: audio.channels.length,
        bitrate: audio.track.bitrate,
      });
      encodeAudio(this.audio, audio.channels, audio.track);
    }
  }

  /** Throws the encoder's error, if one came. */
  check(): void {
    if (this.#error) throw this.#error;
  }

  /** Encodes `frame` when the video still needs it (see AudioMatchedFrames); waits while the encoder is full. */
  async write(frame: RgbImage): Promise<void> {
    if (!this.frames.keep()) return;
    this.#lastFrame = toEvenFrame(frame);
    await this.#encodeEven(this.#lastFrame);
  }

  async #encodeEven(rgb: Uint8Array): Promise<void> {
    this.check();
    const index = this.#encoded++;
    const videoFrame = new VideoFrame(toRgbx(rgb, this.width * this.height, this.#rgbx), {
      format: 'RGBX',
      codedWidth: this.width,
      codedHeight: this.height,
      timestamp: Math.round((index * 1e6) / this.#fps),
      duration: Math.round(1e6 / this.#fps),
    });
    this.video.encode(videoFrame, { keyFrame: index % this.#keyFrameInterval === 0 });
    videoFrame.close();
    await drainTo(this.video, maxQueuedFrames);
    this.check();
  }

  /** Pads to the audio's length, flushes both encoders and returns the MP4 with what went into it. */
  async finish(): Promise<WebCodecsVideoSinkResult> {
    for (let i = 0; i < this.frames.padding; i++) await this.#encodeEven(this.#lastFrame!);
    await Promise.all([this.video.flush(), this.audio?.flush()]);
    this.check();
    const blob = await this.mp4.finalize();
    this.check();
    const counts = this.frames.summary();
    return {
      ...counts,
      durationSeconds: counts.frameCount / this.#fps,
      files: [],
      blob,
      width: this.width,
      height: this.height,
      videoCodec: this.#plan.video.codec,
      ...(this.audio && this.#plan.audio ? { audioCodec: this.#plan.audio.codec } : {}),
      ...(this.audioSeconds !== undefined ? { audioDurationSeconds: this.audioSeconds } : {}),
    };
  }

  close(): void {
    for (const encoder of [this.video, this.audio]) {
      if (encoder && encoder.state !== 'closed') encoder.close();
    }
    if (this.mp4.output.state !== 'finalized') void this.mp4.output.cancel().catch(() => undefined);
  }
}
