import type { JoyvasaEvent, ModelFileEvent, ProgressEvent, VariantChosenEvent } from '@joyvasa/core';
import type { TalkingHeadEvent } from '@joyvasa/pipeline';
import { type CliOutput, fileProgressPrinter, formatBytes, progressBar } from '../cli-output.js';

/** Timing of a run, for the summary. Seconds. */
export interface AnimateTiming {
  /** From the start to the first frame: model loading, source preparation, the first motion window. */
  readonly firstFrameSeconds: number;
  /** From the first frame to the last. */
  readonly renderSeconds: number;
  readonly frames: number;
}

/** Prints a run's events; `timing` reads the clock for the summary. */
export interface AnimateProgress {
  readonly onEvent: (event: JoyvasaEvent | TalkingHeadEvent) => void;
  timing(): AnimateTiming;
}

interface Clock {
  readonly startedAt: number;
  firstFrameAt?: number;
  lastFrameAt?: number;
  frames: number;
  /** Model files read, and their bytes, for the one-line summary off terminals. */
  loadedFiles: number;
  loadedBytes: number;
  modelsReported: boolean;
}

function perFrame(clock: Clock, now: number): number | undefined {
  if (clock.firstFrameAt === undefined || clock.frames < 2) return undefined;
  return (now - clock.firstFrameAt) / 1000 / (clock.frames - 1);
}

/** `frames  [######....]  25/50  0.21 s/frame  ~5 s left`. */
function frameLine(clock: Clock, completed: number, total: number, now: number): string {
  const seconds = perFrame(clock, now);
  const left =
    completed < total && seconds !== undefined ? `  ~${Math.ceil(seconds * (total - completed))} s left` : '';
  const rate = seconds === undefined ? '' : `  ${seconds.toFixed(2)} s/frame${left}`;
  return `frames  ${progressBar(completed / total)} ${String(completed).padStart(String(total).length)}/${total}${rate}`;
}

/** A line per milestone off terminals: at every tenth of the frames, and the last. */
function isMilestone(completed: number, total: number): boolean {
  const step = Math.max(1, Math.ceil(total / 10));
  return completed === total || completed % step === 0;
}

function describeNotice(event: { code: string; message: string }): string {
  return event.code === 'synthetic-weights' ? `WARNING: ${event.message}` : `note: ${event.message}`;
}

/** The line of a `variant-chosen` event: the form, and the timings when they were taken now. */
function describeVariant(event: VariantChosenEvent): string {
  const forms = Object.entries(event.timings)
    .map(([form, timing]) =>
      typeof timing === 'number' ? `${form} ${timing.toFixed(2)} ms` : `${form} ${timing}`,
    )
    .join(', ');
  const how =
    event.source === 'timed'
      ? `timed at batch ${event.batch}: ${forms}`
      : `remembered for batch ${event.batch}`;
  return `${event.component}  form ${event.variant} (${how})`;
}

/** What the printer keeps between events. */
interface Printer {
  readonly output: CliOutput;
  readonly now: () => number;
  readonly clock: Clock;
  readonly files: (event: ModelFileEvent) => void;
  /** Lines already printed that may repeat (every model reports the same device fallback). */
  readonly shown: Set<string>;
}

/** On a terminal the line is redrawn in place (the next log line ends it); elsewhere, milestones only. */
function live(printer: Printer, line: string, done: boolean, milestone: boolean): void {
  if (printer.output.isTTY) printer.output.status(line, done);
  else if (milestone) printer.output.log(line);
}

/** Off terminals, one line for all model files, once the first of them is used. */
function reportModels({ output, clock, now }: Printer): void {
  if (clock.modelsReported || clock.loadedFiles === 0) return;
  clock.modelsReported = true;
  if (output.isTTY) return;
  const seconds = ((now() - clock.startedAt) / 1000).toFixed(1);
  output.log(`loaded  ${clock.loadedFiles} model files, ${formatBytes(clock.loadedBytes)} (${seconds} s)`);
}

function onProgress(printer: Printer, event: ProgressEvent): void {
  const { completed, total } = event;
  const done = completed === total;
  const bar = progressBar(completed / total);
  if (event.stage === 'write-bundle') {
    live(printer, `bundle  ${bar} ${completed}/${total} components written`, done, done);
  } else if (event.stage === 'sample-motion') {
    reportModels(printer);
    live(printer, `motion  ${bar} ${completed}/${total} windows`, done, true);
  } else if (event.stage === 'render') {
    const { clock } = printer;
    const at = printer.now();
    clock.frames = completed;
    clock.firstFrameAt ??= at;
    clock.lastFrameAt = at;
    live(printer, frameLine(clock, completed, total, at), done, isMilestone(completed, total));
  }
}

function onEvent(printer: Printer, event: JoyvasaEvent | TalkingHeadEvent): void {
  const { output, clock } = printer;
  if (event.type === 'model-file') {
    if (event.status === 'end' || event.status === 'cached') {
      clock.loadedFiles++;
      clock.loadedBytes += event.loaded;
    }
    if (output.isTTY) printer.files(event);
  } else if (event.type === 'progress') {
    onProgress(printer, event);
  } else if (event.type === 'notice') {
    output.log(describeNotice(event));
  } else if (event.type === 'variant-chosen') {
    output.log(describeVariant(event));
  } else if (event.type === 'backend-fallback') {
    const line = `note: device auto uses ${event.device} (${event.skipped.join(', ')} not available)`;
    if (!printer.shown.has(line)) output.log(line);
    printer.shown.add(line);
  } else if (event.type === 'source-ready') {
    reportModels(printer);
    const faces = event.cropMethod === 'detected-face' ? ` (${event.facesFound} found)` : '';
    const square = event.cropSquare;
    const where = square
      ? ` by ${event.locator}, square ${square.size.toFixed(0)} px at (${square.center.map((v) => v.toFixed(0)).join(', ')})`
      : '';
    output.log(`source  ${event.width}x${event.height}, crop: ${event.cropMethod}${faces}${where}`);
  }
}

/**
 * Progress for `joyvasa animate`: model files (live bars on a terminal, one summary line otherwise), the
 * synthetic bundle being written, motion windows and frames as bars, notices and the crop that was used.
 * `now` is injectable for tests.
 */
export function animateProgressPrinter(
  output: CliOutput,
  now: () => number = () => performance.now(),
): AnimateProgress {
  const clock: Clock = { startedAt: now(), frames: 0, loadedFiles: 0, loadedBytes: 0, modelsReported: false };
  const printer: Printer = {
    output,
    now,
    clock,
    files: fileProgressPrinter(output, 'loaded', now),
    shown: new Set(),
  };
  return {
    onEvent: (event) => onEvent(printer, event),
    timing() {
      const first = clock.firstFrameAt ?? now();
      return {
        firstFrameSeconds: (first - clock.startedAt) / 1000,
        renderSeconds: ((clock.lastFrameAt ?? first) - first) / 1000,
        frames: clock.frames,
      };
    },
  };
}
