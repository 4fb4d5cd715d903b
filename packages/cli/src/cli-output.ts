import type { ModelFileEvent } from '@joyvasa/core';

/**
 * Where a command prints. Commands take one instead of writing to `process.stdout` themselves, so tests
 * run them in-process and read what they printed.
 */
export interface CliOutput {
  /** True when stdout is a terminal: live progress bars instead of one line per file. */
  readonly isTTY: boolean;
  /** A line on stdout. */
  log(line: string): void;
  /** A line on stderr. */
  error(line: string): void;
  /** Replaces the live status line (terminals only); `done` ends it, so the next output starts below. */
  status(line: string, done?: boolean): void;
}

/** The process's stdout and stderr. */
export function processOutput(): CliOutput {
  let live = false;
  const endLive = () => {
    if (live) process.stdout.write('\n');
    live = false;
  };
  return {
    isTTY: process.stdout.isTTY === true,
    log(line) {
      endLive();
      process.stdout.write(`${line}\n`);
    },
    error(line) {
      endLive();
      process.stderr.write(`${line}\n`);
    },
    status(line, done = false) {
      // \r returns to the line start, ESC[K clears what a longer previous line left behind.
      process.stdout.write(`\r${line}\x1b[K`);
      live = !done;
      if (done) process.stdout.write('\n');
    },
  };
}

/**
 * An output that keeps what was printed, for tests of commands: `lines` has stdout and stderr lines and
 * finished status lines, `statuses` every status line drawn.
 */
export function captureOutput(
  isTTY = false,
): CliOutput & { readonly lines: string[]; readonly statuses: string[]; text(): string } {
  const lines: string[] = [];
  const statuses: string[] = [];
  return {
    isTTY,
    lines,
    statuses,
    text: () => lines.join('\n'),
    log: (line) => lines.push(line),
    error: (line) => lines.push(line),
    status: (line, done) => {
      statuses.push(line);
      if (done) lines.push(line);
    },
  };
}

/** `113.0 MB`, `3.1 kB`, `512 B` (decimal units, as download sizes are usually shown). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A fixed-width bar, `[#########...........]`. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

interface FileTiming {
  readonly startedAt: number;
  /** Bytes and time of the first progress report: a resumed download starts above 0. */
  base?: { readonly loaded: number; readonly at: number };
  shownPercent: number;
}

/**
 * Prints `model-file` events: on a terminal a live bar per file (percent, size, MB/s), redrawn when the
 * percentage changes; otherwise one line per file once it is done. `verb` starts each line (`fetched`,
 * `read`). `now` is injectable for tests.
 */
export function fileProgressPrinter(
  output: CliOutput,
  verb: string,
  now: () => number = () => performance.now(),
): (event: ModelFileEvent) => void {
  const timings = new Map<string, FileTiming>();
  const rate = (timing: FileTiming, loaded: number, at: number) => {
    const base = timing.base;
    if (!base || at <= base.at) return '';
    return `  ${formatBytes(((loaded - base.loaded) / (at - base.at)) * 1000)}/s`;
  };
  return (event) => {
    const at = now();
    let timing = timings.get(event.file);
    if (!timing || event.status === 'start') {
      timing = { startedAt: at, shownPercent: -1 };
      timings.set(event.file, timing);
    }
    if (event.status === 'progress') {
      timing.base ??= { loaded: event.loaded, at };
      const percent = event.total > 0 ? Math.floor((event.loaded / event.total) * 100) : 0;
      if (!output.isTTY || percent === timing.shownPercent) return;
      timing.shownPercent = percent;
      const fraction = event.total > 0 ? event.loaded / event.total : 0;
      output.status(
        `  ${event.file}  ${progressBar(fraction)} ${String(percent).padStart(3)}%  ${formatBytes(event.loaded)}${rate(timing, event.loaded, at)}`,
      );
    } else if (event.status === 'end' || event.status === 'cached') {
      const seconds = ((at - timing.startedAt) / 1000).toFixed(1);
      const line = `${verb} ${event.file}  ${formatBytes(event.loaded)} in ${seconds} s${rate(timing, event.loaded, at)}`;
      if (output.isTTY) output.status(line, true);
      else output.log(line);
      timings.delete(event.file);
    }
  };
}
