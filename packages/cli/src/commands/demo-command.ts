import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import { isDeviceRequest } from '@joyvasa/core';
import { hasHumanModels } from '@joyvasa/model-builder/tfjs/node';
import { probeMedia } from '@joyvasa/pipeline/node';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  interruptible,
  type OptionValues,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../cli-args.js';
import { type CliOutput, processOutput } from '../cli-output.js';
import { printSummary, runAnimation } from './animate-command.js';
import {
  defaultBundleFolder,
  isBundleFolder,
  type ModelsChoice,
  parseModelsOption,
} from './animate-models.js';
import type { AnimateRequest } from './animate-request.js';

export const demoUsage = `joyvasa demo [--seconds <n>] [--models <bundle | fixture>] [--device <device>] [--out <file>]

Animates ../shared/data/images/human_01.jpg with the first seconds of ../shared/data/audio/en_speech_01.wav
(the shared folder is found beside the repository, or at $JOYVASA_SHARED_DIR), writes out/demo.mp4 and
prints what ffprobe reads in it. Uses the converted bundle (~/.cache/joyvasa/bundles/joyvasa) when there is
one, else the fixture bundle, whose synthetic weights do NOT animate a face.

Options:
  --seconds <n>      seconds of speech, 0.2 to 60 (default 4)
  --models <bundle>  as joyvasa animate's --models (default: the converted bundle, else fixture)
  --device <device>  cpu, cuda, webgpu or auto (default auto; cpu with the fixture bundle)
  --out <file>       default out/demo.mp4 in the repository
  -h, --help         this text

Exit codes: 0 written, 1 failed, 2 bad arguments, 130 interrupted.`;

const options = {
  seconds: { type: 'string' },
  models: { type: 'string' },
  device: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The repository root: the nearest folder up from here with pnpm-workspace.yaml (else the working folder). */
function repositoryRoot(): string {
  for (let folder = process.cwd(); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    if (dirname(folder) === folder) return process.cwd();
  }
}

/** The first `seconds` of a speech file, as a 16 kHz WAV in `folder`. */
async function cutSpeech(
  path: string,
  seconds: number,
  folder: string,
  signal: AbortSignal,
): Promise<string> {
  // A demo clip: 16 kHz mono is what the bundled HuBERT hears (the talking head resamples to its encoder's).
  const decoded = await decodeAudio(path, { sampleRate: 16000, signal });
  const cut = join(folder, `speech-${seconds}s.wav`);
  await writeFile(
    cut,
    encodeWav(decoded.pcm.subarray(0, Math.round(seconds * decoded.sampleRate)), decoded.sampleRate),
  );
  return cut;
}

/** ffprobe's view of the video, one line per stream. */
async function printProbe(output: CliOutput, path: string): Promise<void> {
  const probed = await probeMedia(path).catch((error: unknown) => error as Error);
  if (probed instanceof Error) {
    output.log(`ffprobe could not read ${path}: ${probed.message}`);
    return;
  }
  output.log(`ffprobe ${path}:`);
  for (const s of probed.streams) {
    const seconds = `${(s.duration ?? Number.NaN).toFixed(2)} s`;
    output.log(
      s.codecType === 'video'
        ? `  video  ${s.codecName} ${s.width}x${s.height} at ${s.frameRate} fps, ${s.frameCount} frames, ${seconds}`
        : `  ${s.codecType}  ${s.codecName} ${s.sampleRate} Hz, ${s.channels} channel(s), ${seconds}`,
    );
  }
}

/** The demo's animation and the seconds of speech it uses. */
interface DemoPlan {
  readonly request: AnimateRequest;
  readonly seconds: number;
  /** True when the fixture bundle is used because no converted one was found. */
  readonly fellBack: boolean;
}

/** Checks the options; a usage error's message instead of the plan when they are wrong. */
function demoPlan(values: OptionValues, shared: string): DemoPlan | string {
  const secondsText = stringOption(values, 'seconds') ?? '4';
  const seconds = Number(secondsText);
  if (!(seconds >= 0.2 && seconds <= 60)) return `--seconds is a number from 0.2 to 60, not '${secondsText}'`;
  // The converted bundle when there is one; otherwise the fixture, so the demo runs on a fresh clone.
  const fellBack = stringOption(values, 'models') === undefined && !isBundleFolder(defaultBundleFolder());
  const models = stringOption(values, 'models') ?? (fellBack ? 'fixture' : undefined);
  // The fixture's networks are tiny: a GPU would not help, and probing for CUDA only adds noise.
  const device = stringOption(values, 'device') ?? (models === 'fixture' ? 'cpu' : 'auto');
  if (!isDeviceRequest(device)) return `--device is cpu, cuda, webgpu or auto, not '${device}'`;
  const request: AnimateRequest = {
    image: join(shared, 'data/images/human_01.jpg'),
    audio: join(shared, 'data/audio/en_speech_01.wav'),
    out: resolve(stringOption(values, 'out') ?? join(repositoryRoot(), 'out/demo.mp4')),
    models: withLocators(parseModelsOption(models)),
    mode: 'human',
    device,
    options: { seed: 0 },
  };
  return { request, seconds, fellBack };
}

/**
 * The fixture bundle of the demo carries the licence-clean locators when their package is installed (it
 * is in this workspace): the crop then lands on the portrait's real face instead of a stand-in's box.
 */
function withLocators(choice: ModelsChoice): ModelsChoice {
  return choice.kind === 'synthetic' && choice.name === 'fixture' && hasHumanModels()
    ? { ...choice, locators: true }
    : choice;
}

/** Says loudly, before any work, that this demo will not show a face. */
function printSyntheticNotice(output: CliOutput, plan: DemoPlan): void {
  const name = plan.request.models.kind === 'synthetic' ? plan.request.models.name : '';
  output.log(
    plan.fellBack
      ? `No converted bundle at ${defaultBundleFolder()}: using the FIXTURE bundle.`
      : `Using the ${name.toUpperCase()} bundle (--models ${name}).`,
  );
  output.log(
    'Its weights are synthetic: the video will NOT show a talking face, only that the pipeline works.',
  );
  output.log(
    `For the real thing: joyvasa fetch --to weights && joyvasa convert --from weights --to ${defaultBundleFolder()}\n`,
  );
}

/** `joyvasa demo` (`pnpm demo`): a few seconds of shared speech on a shared portrait into out/demo.mp4. */
export async function demoCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  // `pnpm demo -- --seconds 2` hands the `--` over as well (npm's habit); it means nothing here.
  const parsed = parseCommandArgs(args[0] === '--' ? args.slice(1) : args, options, demoUsage, output);
  if ('exit' in parsed) return parsed.exit;
  if (parsed.positionals.length > 0) return usageError(output, 'demo takes no arguments', demoUsage);
  const shared = process.env.JOYVASA_SHARED_DIR ?? resolve(repositoryRoot(), '../shared');
  const plan = demoPlan(parsed.values, shared);
  if (typeof plan === 'string') return usageError(output, plan, demoUsage);
  const { request, seconds } = plan;
  if (!existsSync(request.image) || !existsSync(request.audio)) {
    output.error(
      `error: the demo needs ${request.image} and ${request.audio}; put the shared data folder beside the repository or set JOYVASA_SHARED_DIR`,
    );
    return exitCodes.failed;
  }
  if (request.models.kind === 'synthetic') printSyntheticNotice(output, plan);
  const interrupt = interruptible(context.signal);
  const scratch = await mkdtemp(join(tmpdir(), 'joyvasa-demo-'));
  try {
    output.log(`Animating ${request.image} with the first ${seconds} s of ${request.audio}`);
    const audio = await cutSpeech(request.audio, seconds, scratch, interrupt.signal);
    const cutRequest = { ...request, audio };
    const summary = await runAnimation(cutRequest, output, interrupt.signal);
    printSummary(output, cutRequest, summary);
    output.log('');
    await printProbe(output, request.out!);
    return exitCodes.ok;
  } catch (error) {
    return failureExit(output, error, 'stopped; no video was written (the partial file was removed)');
  } finally {
    interrupt.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}
