import { resample } from '@joyvasa/audio-encoder';
import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { AudioMatchedFrames } from '../audio-matched-frames.js';
import { createFrameSink } from '../create-frame-sink.js';
import type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1, SinkAudio } from '../frame-sink.js';
import { evenSize, toEvenFrame } from '../to-even-frame.js';
import { StreamingMp4 } from './streaming-mp4.js';
import { VideoEncodingError } from './video-encoding-error.js';
import {
  type AudioTrackPlan,
  audioSampleRate,
  type EncoderPlan,
  planEncoders,
  type WebCodecsAudioCodec,
  type WebCodecsVideoCodec,
  type WebCodecsVideoSinkOptions,
} from './webcodecs-encoder-plan.js';

export type { WebCodecsAudioCodec, WebCodecsVideoCodec, WebCodecsVideoSinkOptions };

/** What {@link createWebCodecsVideoSink} produced. */
export interface WebCodecsVideoSinkResult extends FrameSinkResult {
  /** The video: an MP4 file (`video/mp4`), ready for a download link, a `<video>` or an upload. */
  readonly blob: Blob;
  /** Encoded size in pixels: the frame size rounded up to even. */
  readonly width: number;
  readonly height: number;
  /** The WebCodecs codec strings used, e.g. `avc1.640028` and `mp4a.40.2` (`opus` where AAC is missing). */
  readonly videoCodec: string;
  readonly audioCodec?: string;
  /** Frames received through `write`. */
  readonly framesWritten: number;
  /** Copies of the last frame appended to reach the audio's duration. */
  readonly framesPadded: number;
  /** Frames received after the audio's duration was filled, left out. */
  readonly framesDropped: number;
  /** Duration of the muxed audio in seconds, when there is audio. */
  readonly audioDurationSeconds?: number;
}

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

/** PCM of `audio` as channels, checked, at the rate the plan encodes. */
function channelsOf(audio: SinkAudio, rate: number): Float32Array[] {
  if (!('pcm' in audio)) {
    throw new InvalidInputError(
      'audio',
      'must be PCM in a browser ({ pcm, sampleRate }); a file path is Node-only',
    );
  }
  const channels = audio.pcm instanceof Float32Array ? [audio.pcm] : [...audio.pcm];
  if (channels.length < 1 || channels.length > 2) {
    throw new InvalidInputError('audio.pcm', `must have 1 or 2 channels, got ${channels.length}`);
  }
  if (!(audio.sampleRate >= 1000 && audio.sampleRate <= 384_000)) {
    throw new InvalidInputError('audio.sampleRate', `must lie in [1000, 384000] Hz, got ${audio.sampleRate}`);
  }
  return channels.map((pcm) => (audio.sampleRate === rate ? pcm : resample(pcm, audio.sampleRate, rate)));
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
class Mp4Encoding {
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

/** The sink {@link createWebCodecsVideoSink} returns: a FrameSinkV1 whose `finish` gives the MP4 as a Blob. */
export type WebCodecsVideoSink = FrameSinkV1<WebCodecsVideoSinkResult>;

/**
 * A {@link FrameSinkV1} that encodes frames in the browser (or a worker) with WebCodecs into an MP4 Blob:
 * H.264 where the browser can encode it (else VP9, else AV1) and AAC audio where it can (else Opus; Opus in
 * MP4 plays in every current browser). Nothing leaves the device, and no ffmpeg is needed.
 *
 * As the Node video sink does, with audio the video lasts as long as the audio to the nearest frame,
 * padding with the last frame or leaving out frames past the end; odd sizes are made even by repeating the
 * last row or column. `write` resolves once the encoder has room, so at most a few frames are queued. The
 * MP4 is fragmented and muxed as it is encoded (mediabunny): the encoded bytes are held once, as the parts of
 * the Blob (a few MB a minute at the default bit rate), never copied into one buffer.
 *
 * @throws MissingDependencyError at `start` where the browser has no WebCodecs or cannot encode any of
 *   the codecs asked for; InvalidInputError for bad options or audio; VideoEncodingError when the
 *   browser's encoder fails.
 */
export function createWebCodecsVideoSink(options: WebCodecsVideoSinkOptions = {}): WebCodecsVideoSink {
  let encoding: Mp4Encoding | undefined;
  const onAbort = () => void sink.abort(options.signal?.reason).catch(() => {});

  const base = createFrameSink({
    rgbOnly: true,
    async start(info) {
      options.signal?.throwIfAborted();
      const source = options.audio ?? info.audio;
      const channels = source ? channelsOf(source, audioSampleRate) : undefined;
      const plan = await planEncoders(options, info, channels?.length);
      encoding = await Mp4Encoding.open(plan, info, channels);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    },
    write: (frame) => encoding!.write(frame),
    abort() {
      options.signal?.removeEventListener('abort', onAbort);
      encoding?.close();
      encoding = undefined;
    },
  });

  const sink: WebCodecsVideoSink = {
    ...base,
    async finish() {
      const current = encoding;
      if (current?.frames.received === 0) {
        await sink.abort();
        throw new InvalidInputError('frames', 'none were written; write at least one frame before finish()');
      }
      await base.finish();
      try {
        return await current!.finish();
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        current!.close();
      }
    },
  };
  return sink;
}
