import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, inputLimits } from '@joyvasa/core';
import { openRegularFile } from '@joyvasa/core/node';
import type { AudioFileDecodeOptions, AudioFileDecoderV1, PcmAudio } from '../audio-file-decoder.js';
import { decodeWav } from '../decode-wav.js';
import { sniffAudioFormat } from '../sniff-audio-format.js';
import { runFfmpeg } from './run-ffmpeg.js';

/** Options of {@link createFfmpegAudioDecoder}. */
export interface FfmpegAudioDecoderOptions {
  /** The ffmpeg executable. Default `ffmpeg`, looked up on PATH. */
  readonly ffmpegPath?: string;
  /**
   * Milliseconds one decode may take before ffmpeg is killed. Default {@link ffmpegTimeLimitMs} of the
   * allowed duration: `ffmpegBaseSeconds` + `ffmpegSecondsPerAudioSecond` × `maxDurationSeconds`.
   */
  readonly timeLimitMs?: number;
}

/** The default time one ffmpeg decode of at most `maxDurationSeconds` of audio may take, in milliseconds. */
export function ffmpegTimeLimitMs(maxDurationSeconds: number): number {
  const seconds = Number.isFinite(maxDurationSeconds) ? maxDurationSeconds : inputLimits.audioMaxSeconds;
  return 1000 * (inputLimits.ffmpegBaseSeconds + inputLimits.ffmpegSecondsPerAudioSecond * seconds);
}

/** An {@link AudioFileDecoderV1} that can also read a file by path (no copy into memory first). */
export interface FfmpegAudioDecoder extends AudioFileDecoderV1 {
  decodeFile(path: string, options: AudioFileDecodeOptions): Promise<PcmAudio>;
}

/**
 * Decodes any audio (or the first audio stream of a video) that ffmpeg reads, to float32 PCM at the
 * source's rate and channel count, through pipes.
 *
 * Bytes go through stdin, except MP4/M4A: its index may sit at the end, which a pipe cannot seek to,
 * so those bytes are written to a temporary file that is removed afterwards.
 * Decoding stops one second after `maxDurationSeconds`, which bounds memory on very long files, and
 * ffmpeg is killed when it runs past `timeLimitMs` (an endless or hostile input), an InvalidInputError.
 */
export function createFfmpegAudioDecoder(options: FfmpegAudioDecoderOptions = {}): FfmpegAudioDecoder {
  const run = async (source: string, decodeOptions: AudioFileDecodeOptions, stdin?: Uint8Array) => {
    const { signal, maxDurationSeconds } = decodeOptions;
    const limit = Number.isFinite(maxDurationSeconds) ? ['-t', String(maxDurationSeconds + 1)] : [];
    const args = ['-hide_banner', '-loglevel', 'error', ...(stdin ? [] : ['-nostdin']), '-i', source];
    args.push('-map', '0:a:0', '-vn', '-sn', '-dn', ...limit, '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1');
    const timeLimitMs = options.timeLimitMs ?? ffmpegTimeLimitMs(maxDurationSeconds);
    const result = await runFfmpeg(args, {
      timeLimitMs,
      onTimeLimit: () =>
        new InvalidInputError(
          'audio',
          `ffmpeg did not finish decoding it within ${timeLimitMs / 1000} s, the time allowed for ` +
            `${maxDurationSeconds} s of audio; the file is endless, corrupt or hostile`,
        ),
      ...(options.ffmpegPath && { ffmpegPath: options.ffmpegPath }),
      ...(stdin && { stdin }),
      ...(signal && { signal }),
    });
    if (result.exitCode !== 0) throw decodeFailure(result.stderrTail);
    const wav = decodeWav(result.stdout);
    return { channels: wav.channels, sampleRate: wav.sampleRate };
  };
  return {
    specificationVersion: 'v1',
    id: 'ffmpeg',
    async decode(bytes, decodeOptions) {
      if (sniffAudioFormat(bytes) !== 'mp4') return run('pipe:0', decodeOptions, bytes);
      const directory = await mkdtemp(join(tmpdir(), 'joyvasa-audio-'));
      try {
        const path = join(directory, 'input.mp4');
        await writeFile(path, bytes);
        return await run(path, decodeOptions);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
    async decodeFile(path, decodeOptions) {
      // ffmpeg would block on a FIFO or read a device forever: only a regular file of at most 2 GiB goes.
      const { handle } = await openRegularFile(path, {
        refuse: (reason, cause) =>
          new InvalidInputError('audio', `cannot read '${path}': ${reason}`, { cause }),
      });
      await handle.close();
      // A leading '-' would read as an option; 'file:' also keeps ':' in names from selecting a protocol.
      return run(`file:${path}`, decodeOptions);
    },
  };
}

function decodeFailure(stderrTail: string): InvalidInputError {
  const noAudio = /matches no streams|does not contain any stream/i.test(stderrTail);
  const reason = noAudio ? 'it has no audio stream' : 'it is corrupt or not audio';
  return new InvalidInputError('audio', `ffmpeg could not decode it: ${reason}. ffmpeg said: ${stderrTail}`);
}
