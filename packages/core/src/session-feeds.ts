import type { RunOptions, SessionFeed } from './backend.js';
import { SessionRunError } from './errors.js';

/** The feeds of a run as `name type[dims]`, for error messages. */
export function describeFeeds(feeds: Readonly<Record<string, SessionFeed>>): string {
  return Object.entries(feeds)
    .map(([name, tensor]) => `${name} ${tensor.type}[${tensor.dims.join(', ')}]`)
    .join(', ');
}

/** Refuses a run that lacks one of the session's inputs, naming those missing and those given. */
export function assertFeedsComplete(
  component: string,
  inputNames: readonly string[],
  feeds: Readonly<Record<string, SessionFeed>>,
): void {
  const missing = inputNames.filter((name) => !(name in feeds));
  if (missing.length > 0) {
    throw new SessionRunError(
      component,
      `missing inputs ${missing.join(', ')} (got ${describeFeeds(feeds)})`,
    );
  }
}

/** The outputs a run returns: every one, or those `RunOptions.outputs` names, each checked to exist. */
export function requestedOutputs(
  component: string,
  outputNames: readonly string[],
  runOptions: RunOptions,
): readonly string[] {
  const requested = runOptions.outputs ?? outputNames;
  const unknown = requested.filter((output) => !outputNames.includes(output));
  if (unknown.length > 0) {
    throw new SessionRunError(
      component,
      `no output named ${unknown.join(', ')} (outputs: ${outputNames.join(', ')})`,
    );
  }
  return requested;
}
