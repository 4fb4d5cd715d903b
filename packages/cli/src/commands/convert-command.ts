import { resolve } from 'node:path';
import type { JoyvasaEvent, ModelManifest } from '@joyvasa/core';
import {
  generatorVariants,
  isGeneratorVariantName,
  isWarpingVariantName,
  type LivePortraitSizes,
  officialLivePortraitSizes,
  parseRendererVariant,
  type RendererVariant,
  warpingVariants,
  withRendererVariants,
} from '@joyvasa/model-builder';
import {
  type AudioEncoderConversionReport,
  type ConversionReport,
  convertHuggingFaceAudioEncoder,
  convertOfficialWeights,
  isHuggingFaceFolder,
  isOfficialLayout,
} from '@joyvasa/model-builder/node';
import { fixtureLivePortraitSizes, fixtureMotionGeneratorConfig } from '@joyvasa/model-builder/synthetic';
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
import { type CliOutput, fileProgressPrinter, formatBytes, processOutput } from '../cli-output.js';

export const convertUsage = `joyvasa convert --from <pretrained_weights | HF model folder> --to <bundle folder> [--sizes official|fixture]

Converts checkpoints into a model bundle without running any pickle code:
  a pretrained_weights folder in the JoyVASA README layout ('joyvasa fetch' makes one)
    -> the JoyVASA bundle (LivePortrait, motion generator, HuBERT, detectors when present);
  a Hugging Face HuBERT or wav2vec2 folder (config.json + model.safetensors or pytorch_model.bin)
    -> a bundle with only the audio_encoder, to use your own encoder.
Every file is checked before anything is built; keys no graph uses are listed, not fatal.

Options:
  --from <folder>   the folder to convert (its kind is detected)
  --to <folder>     the bundle folder to write (files of the same name are replaced)
  --sizes <sizes>   official (default), or fixture for checkpoints written by writeFormulaCheckpoints
  --dtype <dtype>   fp32 (default), or fp16: the renderer (warping module and generator) in float16,
                    normalisations, softmax and sampling coordinates kept float32; the rest float32
  --warping-variant <name>    the warping module in an equivalent form: official (default), padded,
                              folded or padded-folded (same outputs; which is fastest depends on the GPU)
  --generator-variant <name>  the generator's SPADE blocks in an equivalent form: official (default),
                              folded, layer-norm, merged or merged-layer-norm
  --renderer-variants <list>  also write these equivalent forms of the renderer (W+G as one graph),
                              comma-separated, each <W>[+<G>] (e.g. official,padded-folded+layer-norm):
                              on a GPU the head times them at its first load and opens the fastest
  -h, --help        this text

Exit codes: 0 converted, 1 conversion failed (the message says why), 2 bad arguments, 130 interrupted.`;

const options = {
  from: { type: 'string' },
  to: { type: 'string' },
  sizes: { type: 'string' },
  dtype: { type: 'string' },
  'warping-variant': { type: 'string' },
  'generator-variant': { type: 'string' },
  'renderer-variants': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Progress: one line per input read, one per component written (`[ 3/18] denoiser`). */
function progressPrinter(output: CliOutput): (event: JoyvasaEvent) => void {
  const files = fileProgressPrinter(output, 'read');
  return (event) => {
    if (event.type === 'model-file') files(event);
    else if (event.type === 'progress' && event.stage.startsWith('bundle:')) {
      const width = String(event.total).length;
      output.log(`[${String(event.completed).padStart(width)}/${event.total}] wrote ${event.stage.slice(7)}`);
    } else if (event.type === 'notice') output.log(`note: ${event.message}`);
  };
}

function bundleLine(manifest: ModelManifest, to: string): string {
  const files = Object.values(manifest.components).flatMap((component) => [
    component.file,
    ...Object.values(component.devices ?? {}).map((variant) => variant.file),
  ]);
  const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const count = Object.keys(manifest.components).length;
  return `Bundle: ${resolve(to)} (${count} component${count === 1 ? '' : 's'}, ${formatBytes(bytes)})`;
}

function printList(output: CliOutput, title: string, items: readonly string[]): void {
  if (items.length === 0) {
    output.log(`${title}: none`);
    return;
  }
  output.log(`${title}:`);
  for (const item of items) output.log(`  ${item}`);
}

function unexpectedLines(unexpected: Readonly<Record<string, readonly string[]>>): string[] {
  const shown = 8;
  return Object.entries(unexpected).map(([file, keys]) => {
    const more = keys.length > shown ? `, … (+${keys.length - shown} more)` : '';
    return `${file}: ${keys.slice(0, shown).join(', ')}${more}`;
  });
}

function printInputs(output: CliOutput, inputs: ConversionReport['inputs']): void {
  const width = Math.max(...inputs.map((input) => input.file.length));
  printList(
    output,
    'Files used',
    inputs.map((input) => `${input.file.padEnd(width)}  -> ${input.role}`),
  );
}

function printOfficialReport(output: CliOutput, report: ConversionReport, to: string): void {
  const { args } = report;
  const { config } = report.motionGenerator;
  // Show what the checkpoint says, and what was assumed where it says nothing.
  const arg = (name: string, used: unknown) => `${name} ${args[name] ?? `${String(used)} (default)`}`;
  output.log('');
  printInputs(output, report.inputs);
  output.log(
    `Motion generator: ${arg('feature_dim', config.modelDim)}, ${arg('n_diff_steps', config.diffusionSteps)}, ` +
      `${arg('audio_model', config.audioModel)}, ${report.motionGenerator.layers} transformer layers counted ` +
      `(${arg('n_motions', config.windowFrames)}, ${arg('n_prev_motions', config.contextFrames)}, ` +
      `${arg('fps', config.fps)}, ${arg('pad_mode', config.padMode)}, ${config.heads} heads)`,
  );
  printList(output, 'Missing optional parts', report.missingOptional);
  printList(output, 'Unexpected keys (not used)', unexpectedLines(report.unexpectedKeys));
  printList(output, 'Notes', report.notes);
  output.log(bundleLine(report.manifest, to));
}

function printAudioReport(output: CliOutput, report: AudioEncoderConversionReport, to: string): void {
  const { config } = report;
  output.log('');
  printInputs(output, report.inputs);
  output.log(
    `Audio encoder: ${config.name}, ${config.hiddenSize} wide, ${config.numHiddenLayers} layers, ` +
      `${config.numAttentionHeads} heads, key prefix '${report.keyPrefix}'`,
  );
  printList(output, 'Unexpected keys (not used)', unexpectedLines(report.unexpectedKeys));
  printList(output, 'Notes', report.notes);
  output.log(bundleLine(report.manifest, to));
}

/**
 * The LivePortrait sizes `--sizes`, `--warping-variant` and `--generator-variant` ask for (undefined: the
 * official graphs), or the usage error they give.
 */
function livePortraitSizes(
  values: OptionValues,
  fixture: boolean,
): { sizes?: LivePortraitSizes } | { error: string } {
  const warping = stringOption(values, 'warping-variant');
  const generator = stringOption(values, 'generator-variant');
  const names = (variants: object) => Object.keys(variants).join(', ');
  if (warping !== undefined && !isWarpingVariantName(warping))
    return { error: `--warping-variant is one of ${names(warpingVariants)}, not '${warping}'` };
  if (generator !== undefined && !isGeneratorVariantName(generator))
    return { error: `--generator-variant is one of ${names(generatorVariants)}, not '${generator}'` };
  const base = fixture ? fixtureLivePortraitSizes : officialLivePortraitSizes;
  if (warping === undefined && generator === undefined) return fixture ? { sizes: base } : {};
  return {
    sizes: withRendererVariants(base, {
      ...(warping !== undefined ? { warping } : {}),
      ...(generator !== undefined ? { generator } : {}),
    }),
  };
}

/** The renderer forms `--renderer-variants` asks for, or the usage error it gives. */
function rendererForms(values: OptionValues): { forms?: RendererVariant[] } | { error: string } {
  const list = stringOption(values, 'renderer-variants');
  if (list === undefined) return {};
  if (stringOption(values, 'warping-variant') || stringOption(values, 'generator-variant')) {
    return {
      error:
        '--renderer-variants writes the official form and others: leave out --warping-variant and --generator-variant',
    };
  }
  const forms: RendererVariant[] = [];
  for (const name of list.split(',').map((item) => item.trim())) {
    const form = parseRendererVariant(name);
    if (!form) {
      return {
        error:
          `--renderer-variants takes <W>[+<G>] forms, W one of ${Object.keys(warpingVariants).join(', ')}, ` +
          `G one of ${Object.keys(generatorVariants).join(', ')}; '${name}' is not one`,
      };
    }
    forms.push(form);
  }
  return { forms };
}

/** `joyvasa convert`: official checkpoints or a Hugging Face encoder folder to a bundle. Returns the exit code. */
export async function convertCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, options, convertUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const from = stringOption(parsed.values, 'from');
  const to = stringOption(parsed.values, 'to');
  const sizes = stringOption(parsed.values, 'sizes') ?? 'official';
  if (!from || !to || parsed.positionals.length > 0) {
    return usageError(
      output,
      'convert takes --from <folder> and --to <folder>, and nothing else',
      convertUsage,
    );
  }
  if (sizes !== 'official' && sizes !== 'fixture') {
    return usageError(output, `--sizes is official or fixture, not '${sizes}'`, convertUsage);
  }
  const dtype = stringOption(parsed.values, 'dtype') ?? 'fp32';
  if (dtype !== 'fp32' && dtype !== 'fp16') {
    return usageError(output, `--dtype is fp32 or fp16, not '${dtype}'`, convertUsage);
  }
  const renderer = livePortraitSizes(parsed.values, sizes === 'fixture');
  if ('error' in renderer) return usageError(output, renderer.error, convertUsage);
  const variants = rendererForms(parsed.values);
  if ('error' in variants) return usageError(output, variants.error, convertUsage);
  const official = await isOfficialLayout(from);
  if (!official && !(await isHuggingFaceFolder(from))) {
    return usageError(
      output,
      `${resolve(from)} is neither a pretrained_weights folder (with liveportrait/ or JoyVASA/) nor a ` +
        "Hugging Face model folder (with config.json); run 'joyvasa fetch --to <folder>' to make one",
      convertUsage,
    );
  }
  const interrupt = interruptible(context.signal);
  const common = { from, to, onEvent: progressPrinter(output), signal: interrupt.signal };
  try {
    output.log(`Converting ${official ? 'pretrained_weights' : 'Hugging Face encoder'} ${resolve(from)}`);
    if (official) {
      const report = await convertOfficialWeights({
        ...common,
        dtype,
        ...(renderer.sizes ? { livePortraitSizes: renderer.sizes } : {}),
        ...(variants.forms ? { rendererVariants: variants.forms } : {}),
        ...(sizes === 'fixture' ? { denoiserHeads: fixtureMotionGeneratorConfig.heads } : {}),
      });
      printOfficialReport(output, report, to);
    } else {
      printAudioReport(output, await convertHuggingFaceAudioEncoder(common), to);
    }
    return exitCodes.ok;
  } catch (error) {
    return failureExit(
      output,
      error,
      `the bundle in ${resolve(to)} is incomplete (no manifest.json); run the command again`,
    );
  } finally {
    interrupt.dispose();
  }
}
