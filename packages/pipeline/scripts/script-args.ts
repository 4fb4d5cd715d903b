/**
 * What the benchmark and measuring scripts share besides their bundle (`bench-bundle.ts`) and the machine's
 * load (`machine-load.ts`): their arguments and the median they report.
 */
import { parseArgs } from 'node:util';

/** The parsed values: a string option with a default is always a string, one without may be absent. */
export type ScriptArgs<S extends Record<string, string | undefined>, F extends string> = {
  readonly [K in keyof S]: S[K] extends string ? string : string | undefined;
} & { readonly [K in F]: boolean };

/**
 * Parses `--name value` string options, given by their default (`undefined`: no default), and `--flag`
 * booleans (default false). Unknown options are an error, as `parseArgs` makes them.
 */
export function parseScriptArgs<
  const S extends Record<string, string | undefined>,
  const F extends string = never,
>(strings: S, flags: readonly F[] = []): ScriptArgs<S, F> {
  const options = Object.fromEntries([
    ...Object.entries(strings).map(([name, value]) => [
      name,
      value === undefined ? { type: 'string' as const } : { type: 'string' as const, default: value },
    ]),
    ...flags.map((name) => [name, { type: 'boolean' as const, default: false }]),
  ]);
  return parseArgs({ options }).values as ScriptArgs<S, F>;
}

/** The median of some samples (the upper one of an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
