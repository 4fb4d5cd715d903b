import { MissingDependencyError } from '@joyvasa/core';

/** The parity harness is a private package of the repository: only a checkout has it. */
const harnessPackage = '@joyvasa/golden';

type Harness = typeof import('@joyvasa/golden');

/** The command list's line; the full help is the harness's own (`joyvasa golden --help` in a checkout). */
export const goldenUsage =
  'joyvasa golden <golden folder> [--only <module substring> ...]\n\nThe golden parity report; in a checkout of the repository only (the harness is not published).';

/** Whether `error` is the harness package itself not being found (not an error inside it). */
export function isHarnessMissing(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(harnessPackage);
}

async function loadHarness(): Promise<Harness> {
  try {
    // A specifier in a variable, so that no bundler pulls the harness into the published CLI.
    return (await import(harnessPackage)) as Harness;
  } catch (error) {
    // Only the harness itself missing means "not a checkout"; an error inside it is reported as it is.
    if (!isHarnessMissing(error)) throw error;
    throw new MissingDependencyError(
      harnessPackage,
      'the golden parity harness is a development tool of the JoyVASA repository: run `pnpm golden ' +
        '<golden folder>` in a checkout of it',
      { cause: error },
    );
  }
}

/** `joyvasa golden`: the parity report against a golden folder, by the harness. Returns the exit code. */
export async function goldenCommand(args: readonly string[]): Promise<number> {
  const harness = await loadHarness();
  return harness.goldenCommand(args);
}
