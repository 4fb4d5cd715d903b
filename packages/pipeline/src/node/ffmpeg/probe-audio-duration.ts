import { startFfmpeg } from './ffmpeg-process.js';

/**
 * Duration in seconds of the first audio stream of a media file, measured by decoding it with ffmpeg
 * (what a re-encode will contain: encoder priming and edit lists are already applied).
 *
 * @throws MissingDependencyError when ffmpeg cannot be started; FfmpegError when it cannot decode the file.
 */
export async function probeAudioDuration(path: string, ffmpegPath = 'ffmpeg'): Promise<number> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', `file:${path}`, '-map', '0:a:0'];
  args.push('-f', 'null', '-progress', 'pipe:3', '-nostats', '-');
  const process = await startFfmpeg(ffmpegPath, args, 1);
  process.end(0);
  let progress = '';
  // -progress writes key=value lines to fd 3; keep only the tail, the last block is the final one.
  const reader = process.child.stdio[3] as NodeJS.ReadableStream;
  reader.on('data', (chunk: Buffer) => {
    progress = (progress + chunk.toString('utf8')).slice(-2048);
  });
  const exit = await process.exited;
  const matches = [...progress.matchAll(/^out_time_us=(\d+)$/gm)];
  const micros = Number(matches.at(-1)?.[1]);
  if (exit.code !== 0 || !(micros > 0)) {
    throw await process.failure(`Cannot read the audio duration of '${path}'`);
  }
  return micros / 1e6;
}
