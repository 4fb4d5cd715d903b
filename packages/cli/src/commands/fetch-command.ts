import { resolve } from 'node:path';
import { inputLimits } from '@joyvasa/core';
import { type OfficialGroup, officialSources } from '@joyvasa/model-builder';
import { type FetchedFile, fetchOfficialWeights } from '@joyvasa/model-builder/node';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  interruptible,
  listOption,
  type OptionValues,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../cli-args.js';
import { fileProgressPrinter, formatBytes, processOutput } from '../cli-output.js';

const groups = [...new Set(officialSources.map((source) => source.group))];

function groupLines(): string {
  return groups
    .map((group) => {
      const sources = officialSources.filter((source) => source.group === group);
      const files = sources.reduce((count, source) => count + source.files.length, 0);
      const repos = [...new Set(sources.map((source) => source.repo))].join(', ');
      const note = sources.every((source) => source.defaultGroup) ? '' : ' (only when asked for)';
      return `  ${group.padEnd(22)} ${files} file${files === 1 ? '' : 's'} from ${repos}${note}`;
    })
    .join('\n');
}

export const fetchUsage = `joyvasa fetch --to <pretrained_weights> [--include <group,...>] [--endpoint <url>] [--token <token>]

Downloads the official weights into the pretrained_weights layout of the JoyVASA README, each file
checked against the hub's checksum. Ctrl-C stops cleanly: run the same command again and interrupted
downloads resume where they stopped; files already there and verified are kept.

Groups (default: every group not marked otherwise):
${groupLines()}

Options:
  --to <folder>        the pretrained_weights folder to fill (created when absent)
  --include <groups>   comma-separated groups, instead of the default ones (repeatable)
  --endpoint <url>     hub address (default https://huggingface.co), e.g. a mirror
  --token <token>      access token for gated or private mirrors
  --idle-timeout <s>   give up on a file after this many seconds without a byte (default ${inputLimits.fetchIdleTimeoutMs / 1000})
  --timeout <s>        give up on one file after this many seconds in all (default ${inputLimits.fetchTimeoutMs / 1000})
  -h, --help           this text

Then: joyvasa convert --from <pretrained_weights> --to <bundle folder>
Exit codes: 0 done, 1 a download failed (run again to resume), 2 bad arguments, 130 interrupted.`;

const options = {
  to: { type: 'string' },
  include: { type: 'string', multiple: true },
  endpoint: { type: 'string' },
  token: { type: 'string' },
  'idle-timeout': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function summary(results: readonly FetchedFile[]): string {
  const count = (status: FetchedFile['status']) =>
    results.filter((result) => result.status === status).length;
  const bytes = results.reduce((sum, result) => sum + result.bytes, 0);
  return (
    `${results.length} files, ${formatBytes(bytes)}: ${count('downloaded')} downloaded, ` +
    `${count('resumed')} resumed, ${count('present')} already there (verified)`
  );
}

/** `--idle-timeout` and `--timeout` in milliseconds, or a usage error's message. */
function timeoutOptions(values: OptionValues): { idleTimeoutMs?: number; timeoutMs?: number } | string {
  const result: { idleTimeoutMs?: number; timeoutMs?: number } = {};
  for (const [flag, key] of [
    ['idle-timeout', 'idleTimeoutMs'],
    ['timeout', 'timeoutMs'],
  ] as const) {
    const text = stringOption(values, flag);
    if (text === undefined) continue;
    const seconds = Number(text);
    if (!(seconds > 0 && seconds <= 2_000_000)) return `--${flag} is a number of seconds, not '${text}'`;
    result[key] = seconds * 1000;
  }
  return result;
}

/** `joyvasa fetch`: downloads the official weights, resumable. Returns the exit code. */
export async function fetchCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, options, fetchUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const to = stringOption(parsed.values, 'to');
  if (!to || parsed.positionals.length > 0) {
    return usageError(output, 'fetch takes --to <folder>, and no other arguments', fetchUsage);
  }
  const include = listOption(parsed.values, 'include');
  const unknown = include.filter((group) => !groups.includes(group as OfficialGroup));
  if (unknown.length > 0) {
    return usageError(
      output,
      `unknown group ${unknown.join(', ')}; the groups are ${groups.join(', ')}`,
      fetchUsage,
    );
  }
  const endpoint = stringOption(parsed.values, 'endpoint');
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    return usageError(output, `--endpoint '${endpoint}' is not a URL`, fetchUsage);
  }
  const token = stringOption(parsed.values, 'token');
  const timeouts = timeoutOptions(parsed.values);
  if (typeof timeouts === 'string') return usageError(output, timeouts, fetchUsage);
  const interrupt = interruptible(context.signal);
  const progress = fileProgressPrinter(output, 'fetched');
  output.log(`Fetching into ${resolve(to)}`);
  try {
    const results = await fetchOfficialWeights({
      to,
      ...(include.length > 0 ? { groups: include as OfficialGroup[] } : {}),
      ...(endpoint ? { endpoint: endpoint.replace(/\/+$/, '') } : {}),
      ...(token ? { token } : {}),
      ...timeouts,
      signal: interrupt.signal,
      onEvent: (event) => {
        if (event.type === 'model-file') progress(event);
      },
    });
    output.log(summary(results));
    output.log(`Next: joyvasa convert --from ${to} --to <bundle folder>`);
    return exitCodes.ok;
  } catch (error) {
    return failureExit(
      output,
      error,
      'run the same command again to resume (partial downloads are kept as *.partial files)',
    );
  } finally {
    interrupt.dispose();
  }
}
