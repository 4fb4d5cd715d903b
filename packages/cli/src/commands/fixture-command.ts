import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../cli-args.js';
import { processOutput } from '../cli-output.js';

export const fixtureUsage = `joyvasa fixture --to <folder>

Writes the fixture bundle, a tiny model bundle (about 4 MB) with synthetic weights, into <folder>: every
network of the pipeline at toy sizes, for smoke tests and the CI of your own app. It renders a second of
video in seconds on a CPU, in Node (createTalkingHead({ models: '<folder>' })) and in browsers (serve the
folder and pass its URL). Its output is NOT a face animation: the weights are formulas, not trained ones.

Options:
  --to <folder>   where to write it (files of the same name are replaced)
  -h, --help      this text

Exit codes: 0 written, 1 failed (the message says why), 2 bad arguments.`;

const options = { to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** `joyvasa fixture`: the fixture bundle, written once into the cache, copied where the user wants it. */
export async function fixtureCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, options, fixtureUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const to = stringOption(parsed.values, 'to');
  if (!to) return usageError(output, '--to <folder> is required', fixtureUsage);
  if (parsed.positionals.length > 0) {
    return usageError(output, `unexpected argument '${parsed.positionals[0]}'`, fixtureUsage);
  }
  try {
    const { directory, manifest } = await ensureSyntheticBundle('fixture');
    const target = resolve(to);
    await cp(directory, target, { recursive: true });
    output.log(
      `wrote the fixture bundle '${manifest.name}' (synthetic weights: not a face animation) to ${target}`,
    );
    return exitCodes.ok;
  } catch (error) {
    return failureExit(output, error, 'nothing written');
  }
}
