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

/** The signals that stop a command the way Ctrl-C does: a terminal closing (SIGHUP), `kill` (SIGTERM). */
export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * A signal that Ctrl-C, SIGTERM or SIGHUP (the first of them) or `outer` aborts, so the command removes
 * its partial output and stops its child processes before it exits. A second signal, after `dispose` or
 * once the handler has fired, gets Node's default: the process ends at once.
 */
export function interruptible(outer?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handlers = stopSignals.map((name) => {
    const handler = () => {
      for (const [other, listener] of handlers) process.off(other, listener);
      controller.abort(
        new DOMException(`Interrupted (${name === 'SIGINT' ? 'Ctrl-C' : name})`, 'AbortError'),
      );
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

/**
 * One line for any error: a JoyVASA error's message says how to fix it; anything else is a bug, named by
 * its class and first line, never a stack (set `JOYVASA_DEBUG=1` for the stack).
 */
export function errorLine(error: unknown): string {
  if (JoyvasaError.isInstance(error)) return `error: ${error.message}`;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `error: unexpected failure, ${text.split('\n')[0]} (please report it; JOYVASA_DEBUG=1 shows the stack)`;
}

/**
 * Turns an error into an exit code: interrupted → 130 with `onInterrupt`'s hint, any other error → 1 with
 * one line (see {@link errorLine}).
 */
export function failureExit(output: CliOutput, error: unknown, onInterrupt: string): number {
  if (isAbortError(error)) {
    output.error(`interrupted: ${onInterrupt}`);
    return exitCodes.interrupted;
  }
  output.error(errorLine(error));
  if (process.env.JOYVASA_DEBUG && error instanceof Error && error.stack) output.error(error.stack);
  return exitCodes.failed;
}
