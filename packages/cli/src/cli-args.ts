import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isAbortError, JoyvasaError } from '@joyvasa/core';
import type { CliOutput } from './cli-output.js';

/** Exit codes shared by the commands. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** What a test (or an embedding program) can hand a command instead of the process's own. */
export interface CommandContext {
  readonly output?: CliOutput;
  /** Aborts the command as Ctrl-C does. */
  readonly signal?: AbortSignal;
}

/** Parsed options by name, as `parseArgs` returns them. */
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/**
 * `parseArgs` that prints `usage` instead of throwing on unknown or malformed options. Returns `{ exit }`
 * when the command should stop there: 2 after a usage error, 0 after `--help`.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  output: CliOutput,
): { readonly values: OptionValues; readonly positionals: readonly string[] } | { readonly exit: number } {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      output.log(usage);
      return { exit: exitCodes.ok };
    }
    return parsed;
  } catch (error) {
    return { exit: usageError(output, (error as Error).message, usage) };
  }
}

/** A string option's value, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Prints a usage error as the error, the command's one-line synopsis and where the full help is, on
 * stderr (the whole help would bury the error line), and returns the usage exit code.
 */
export function usageError(output: CliOutput, message: string, usage: string): number {
  const synopsis = usage.split('\n')[0] ?? '';
  const command = synopsis.split(' ').slice(0, 2).join(' ');
  output.error(`error: ${message}\nusage: ${synopsis}\nRun '${command} --help' for the options.`);
  return exitCodes.usage;
}

/** `--include a,b --include c` → `['a', 'b', 'c']`. */
export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  const all = typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : [];
  return all
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

/**
 * A signal that Ctrl-C (the first SIGINT) or `outer` aborts. A second Ctrl-C, after `dispose` or once the
 * handler has fired, gets Node's default: the process ends at once.
 */
export function interruptible(outer?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new DOMException('Interrupted (Ctrl-C)', 'AbortError'));
  process.once('SIGINT', onSigint);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSigint);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/**
 * Turns an error into an exit code: interrupted → 130 with `onInterrupt`'s hint, a JoyVASA error (bad
 * file, failed download) → 1 with its message, which says how to fix it. Anything else is a bug: rethrown.
 */
export function failureExit(output: CliOutput, error: unknown, onInterrupt: string): number {
  if (isAbortError(error)) {
    output.error(`interrupted: ${onInterrupt}`);
    return exitCodes.interrupted;
  }
  if (JoyvasaError.isInstance(error)) {
    output.error(`error: ${error.message}`);
    return exitCodes.failed;
  }
  throw error;
}
