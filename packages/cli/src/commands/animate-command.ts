import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MissingDependencyError } from '@joyvasa/core';
import { createTalkingHead } from '@joyvasa/pipeline/node';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  interruptible,
  parseCommandArgs,
  usageError,
} from '../cli-args.js';
import { type CliOutput, processOutput } from '../cli-output.js';
import { bundleFolderProblem, openModelsChoice } from './animate-models.js';
import { animateProgressPrinter } from './animate-progress.js';
import { type AnimateRequest, parseAnimateRequest } from './animate-request.js';
import { createAnimateSink } from './animate-sink.js';
import { checkOutputPath, checkPngDir } from './output-path-check.js';

export type { AnimateRequest } from './animate-request.js';

export const animateUsage = `joyvasa animate --image <picture> --audio <speech> --out <video.mp4> [options]

Animates a portrait photo, painting or cartoon (or an animal, with --mode animal) so that it speaks the
audio, and writes an H.264 + AAC video at 25 fps carrying the audio track.

Options:
  --image <file>          the picture: PNG, JPEG, WebP, … (long side limited to 1280 px, as the official code)
  --audio <file>          the speech: WAV, MP3, M4A, … (up to 10 minutes)
  --out <file>            the video to write (.mp4, .mov, .m4v or .mkv); not needed with --png-dir
  --png-dir <folder>      (also) write every frame as a PNG there
  --models <bundle>       a bundle folder, an http(s) URL, or 'fixture' / 'formula' (synthetic weights:
                          the output is NOT a face animation). Default ~/.cache/joyvasa/bundles/joyvasa
  --mode human|animal     default human
  --cfg <n>               guidance scale, 0 to 20 (default 4, the official app's; its CLI uses 2.8)
  --seed <n>              noise seed, a whole number (default 0: the same inputs give the same video)
  --ddim <steps>          sample in <steps> DDIM steps (faster; the official sampler is DDPM, all steps)
  --pe legacy|fixed       the motion model's positional encoding (default legacy, as trained)
  --device <device>       cpu, cuda, webgpu or auto (default auto: CUDA when available)
  --face-box x1,y1,x2,y2  crop around this box (picture pixels) instead of detecting the face
  --no-crop               use the whole picture stretched to 256x256 (the official CLI's way)
  --no-paste-back         write the 512x512 animated crop instead of the whole picture
  --no-stitching          leave out stitching (paste-back needs it, so it is off too)
  -y, --force             replace --out if it exists, and PNG frames in --png-dir (without it, they are
                          refused; the inputs are never overwritten)
  --driving expression-friendly|pose-friendly
                          expression-friendly (default) rescales the motion to the source's face
  --multiplier <n>        scales the keypoint motion, 0 to 3 (default 1, the app's; the official CLI's 1.1)
  --crop-scale <n>        crop side over the face's extent (default 2.3, the app's; the official CLI's 3.0)
  --crop-vy=<n>           vertical shift of the crop centre in crop sides, negative is up (default -0.125)
  --no-crop-rotation      keep the crop upright instead of aligning it with the eye-to-mouth axis
  --det-thresh <n>        face detector score threshold, 0 to 1 (default 0.15)
  --max-dim <px>          shrink the picture so its long side is at most this, 0 keeps it (default 1280)
  --division <n>          cut the picture's sides down to multiples of this (default 2)
  -h, --help              this text

Exit codes: 0 written, 1 failed (the message says why), 2 bad arguments, 130 interrupted (no file left).`;

export const animateOptions = {
  image: { type: 'string' },
  audio: { type: 'string' },
  out: { type: 'string' },
  'png-dir': { type: 'string' },
  models: { type: 'string' },
  mode: { type: 'string' },
  cfg: { type: 'string' },
  seed: { type: 'string' },
  ddim: { type: 'string' },
  pe: { type: 'string' },
  device: { type: 'string' },
  'face-box': { type: 'string' },
  'no-crop': { type: 'boolean' },
  'no-paste-back': { type: 'boolean' },
  'no-stitching': { type: 'boolean' },
  driving: { type: 'string' },
  multiplier: { type: 'string' },
  'crop-scale': { type: 'string' },
  'crop-vy': { type: 'string' },
  'no-crop-rotation': { type: 'boolean' },
  'det-thresh': { type: 'string' },
  'max-dim': { type: 'string' },
  division: { type: 'string' },
  force: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a finished animation reports. */
export interface AnimationSummary {
  readonly files: readonly string[];
  readonly frames: number;
  readonly durationSeconds: number;
  readonly totalSeconds: number;
  /** Steady rendering pace, from the first frame to the last. */
  readonly secondsPerFrame: number;
  readonly synthetic?: 'fixture' | 'formula';
}

/** Writing a video needs ffmpeg: say so before minutes of work rather than at the first frame. */
function checkFfmpeg(): void {
  const probe = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    throw new MissingDependencyError(
      'ffmpeg',
      '--out writes the video with ffmpeg, which is not on PATH. Install it (Debian/Ubuntu: apt-get install ' +
        'ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or write PNG frames with --png-dir',
    );
  }
}

const syntheticWarning = (name: string) =>
  `WARNING: --models ${name} has synthetic (formula) weights: the output is NOT a face animation, only a ` +
  'check that the pipeline runs. For real animation: joyvasa fetch, then joyvasa convert.';

/**
 * Runs one animation with progress on `output`: opens the models, generates into the sinks, disposes.
 * Throws what the pipeline throws (typed errors; an AbortError on `signal`); no partial file stays.
 */
export async function runAnimation(
  request: AnimateRequest,
  output: CliOutput,
  signal?: AbortSignal,
): Promise<AnimationSummary> {
  if (request.out) checkFfmpeg();
  const progress = animateProgressPrinter(output);
  const opened = await openModelsChoice(request.models, progress.onEvent);
  if (opened.synthetic) output.log(syntheticWarning(opened.synthetic));
  output.log(`models  ${opened.models}`);
  const head = await createTalkingHead({
    models: opened.models,
    mode: request.mode,
    device: request.device,
    // The synthetic-weights warning was printed above, with what to do instead: once is enough.
    onEvent: opened.synthetic
      ? (event) => {
          if (event.type !== 'notice' || event.code !== 'synthetic-weights') progress.onEvent(event);
        }
      : progress.onEvent,
    ...(opened.store ? { store: opened.store } : {}),
  });
  const started = performance.now();
  try {
    const sink = createAnimateSink(request);
    const result = await head.generate(
      { image: request.image, audio: request.audio },
      {
        ...request.options,
        ...(sink ? { sink } : {}),
        onEvent: progress.onEvent,
        ...(signal ? { signal } : {}),
      },
    );
    const timing = progress.timing();
    return {
      files: result.sink?.files ?? [],
      frames: result.frameCount,
      durationSeconds: result.durationSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      secondsPerFrame:
        timing.frames > 1 ? timing.renderSeconds / (timing.frames - 1) : timing.firstFrameSeconds,
      ...(opened.synthetic ? { synthetic: opened.synthetic } : {}),
    };
  } finally {
    await head.dispose();
  }
}

/** The end-of-run lines: what was written, how long it is, how long it took. */
export function printSummary(output: CliOutput, request: AnimateRequest, summary: AnimationSummary): void {
  output.log('');
  if (request.out) output.log(`Wrote ${resolve(request.out)}`);
  if (request.pngDir) output.log(`Wrote ${summary.frames} PNG frames into ${resolve(request.pngDir)}`);
  output.log(`  ${summary.frames} frames, ${summary.durationSeconds.toFixed(2)} s of video at 25 fps`);
  output.log(
    `  ${summary.totalSeconds.toFixed(1)} s in all, ${summary.secondsPerFrame.toFixed(3)} s per frame ` +
      `(${(1 / summary.secondsPerFrame).toFixed(1)} frames/s)`,
  );
  if (summary.synthetic)
    output.log(`  ${syntheticWarning(summary.synthetic).replace('WARNING: ', 'NOTE: ')}`);
}

/** `joyvasa animate`: a picture and speech to a talking-head video. Returns the exit code. */
export async function animateCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, animateOptions, animateUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const request = parseAnimateRequest(parsed.values, parsed.positionals);
  if (typeof request === 'string') return usageError(output, request, animateUsage);
  for (const [flag, path] of [
    ['--image', request.image],
    ['--audio', request.audio],
  ] as const) {
    if (!existsSync(path)) return usageError(output, `${flag} '${path}' does not exist`, animateUsage);
  }
  const outputProblem =
    request.out &&
    checkOutputPath({
      output: ['--out', request.out],
      inputs: [
        ['--image', request.image],
        ['--audio', request.audio],
      ],
      force: parsed.values.force === true,
    });
  if (outputProblem) return usageError(output, outputProblem, animateUsage);
  const pngDirProblem = request.pngDir && checkPngDir(request.pngDir, request.force === true);
  if (pngDirProblem) return usageError(output, pngDirProblem, animateUsage);
  const { models } = request;
  const bundleProblem = models.kind === 'folder' && !models.isDefault && bundleFolderProblem(models.folder);
  if (bundleProblem) {
    return usageError(
      output,
      `--models '${models.folder}' is not a bundle folder: ${bundleProblem}; pass the folder 'joyvasa convert --to' wrote, a URL, or fixture`,
      animateUsage,
    );
  }
  const interrupt = interruptible(context.signal);
  try {
    const summary = await runAnimation(request, output, interrupt.signal);
    printSummary(output, request, summary);
    return exitCodes.ok;
  } catch (error) {
    return failureExit(output, error, 'stopped; no video was written (the partial file was removed)');
  } finally {
    interrupt.dispose();
  }
}
