import { resample } from '@joyvasa/audio-encoder';
import { InvalidInputError } from '@joyvasa/core';
import { createFrameSink } from '../../sinks/create-frame-sink.js';
import type { FrameSinkResult, FrameSinkV1, SinkAudio } from '../../sinks/frame-sink.js';
import { Mp4Encoding } from './mp4-encoding.js';
import {
  audioSampleRate,
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

/** PCM of `audio` as channels, checked, at the rate the plan encodes. */
function channelsOf(audio: SinkAudio, rate: number): Float32Array[] {
  if (!('pcm' in audio)) {
    throw new InvalidInputError(
      'audio',
      'must be PCM in a browser ({ pcm, sampleRate }); a file path is Node-only, live audio a live sink’s',
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
  return createFrameSink<Omit<WebCodecsVideoSinkResult, 'files'>>({
    rgbOnly: true,
    ...(options.signal ? { signal: options.signal } : {}),
    async start(info) {
      const source = options.audio ?? info.audio;
      const channels = source ? channelsOf(source, audioSampleRate) : undefined;
      const plan = await planEncoders(options, info, channels?.length);
      encoding = await Mp4Encoding.open(plan, info, channels);
    },
    write: (frame) => encoding!.write(frame),
    async finish() {
      if (encoding!.frames.received === 0) {
        throw new InvalidInputError('frames', 'none were written; write at least one frame before finish()');
      }
      try {
        return await encoding!.finish();
      } finally {
        encoding!.close();
      }
    },
    abort() {
      encoding?.close();
      encoding = undefined;
    },
  });
}
