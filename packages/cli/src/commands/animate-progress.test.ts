import { describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { animateProgressPrinter } from './animate-progress.js';

/** A clock the test moves by hand, in milliseconds. */
function manualClock() {
  let at = 0;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

const fallback = {
  type: 'backend-fallback',
  backend: 'onnx-node',
  device: 'cpu',
  skipped: ['cuda'],
} as const;

function feed(printer: ReturnType<typeof animateProgressPrinter>, clock: ReturnType<typeof manualClock>) {
  printer.onEvent({
    type: 'model-file',
    status: 'start',
    file: 'denoiser.onnx',
    loaded: 0,
    total: 2_000_000,
  });
  printer.onEvent({
    type: 'model-file',
    status: 'end',
    file: 'denoiser.onnx',
    loaded: 2_000_000,
    total: 2_000_000,
  });
  printer.onEvent(fallback);
  printer.onEvent(fallback);
  clock.advance(1500);
  printer.onEvent({
    type: 'source-ready',
    width: 640,
    height: 480,
    cropMethod: 'detected-face',
    facesFound: 2,
  });
  printer.onEvent({ type: 'progress', stage: 'sample-motion', completed: 1, total: 1 });
  for (let frame = 1; frame <= 20; frame++) {
    clock.advance(250);
    printer.onEvent({ type: 'progress', stage: 'render', completed: frame, total: 20 });
  }
}

describe('animateProgressPrinter', () => {
  it('off a terminal: one line for the models, one per window, frames at every tenth, the fallback once', () => {
    const output = captureOutput(false);
    const clock = manualClock();
    const printer = animateProgressPrinter(output, clock.now);
    feed(printer, clock);
    expect(output.lines).toEqual([
      'note: device auto uses cpu (cuda not available)',
      'loaded  1 model files, 2.0 MB (1.5 s)',
      'source  640x480, crop: detected-face (2 found)',
      `motion  [${'#'.repeat(24)}] 1/1 windows`,
      `frames  [${'#'.repeat(2)}${'.'.repeat(22)}]  2/20  0.25 s/frame  ~5 s left`,
      ...[4, 6, 8, 10, 12, 14, 16, 18].map((n) => expect.stringMatching(new RegExp(`^frames .* ${n}/20 `))),
      `frames  [${'#'.repeat(24)}] 20/20  0.25 s/frame`,
    ]);
    expect(printer.timing()).toEqual({ firstFrameSeconds: 1.75, renderSeconds: 4.75, frames: 20 });
  });

  it('on a terminal: live bars for files, windows and frames', () => {
    const output = captureOutput(true);
    const clock = manualClock();
    feed(animateProgressPrinter(output, clock.now), clock);
    expect(output.statuses[0]).toMatch(/^loaded denoiser\.onnx {2}2\.0 MB in 0\.0 s$/);
    expect(output.statuses).toContain(
      `frames  [${'#'.repeat(12)}${'.'.repeat(12)}] 10/20  0.25 s/frame  ~3 s left`,
    );
    expect(output.statuses).toHaveLength(1 + 1 + 20);
    expect(output.lines.filter((line) => line.startsWith('loaded  '))).toEqual([]);
  });

  it('prints notices, the synthetic-weights one as a warning', () => {
    const output = captureOutput(false);
    const printer = animateProgressPrinter(output);
    printer.onEvent({ type: 'notice', code: 'synthetic-weights', message: 'not a face animation' });
    printer.onEvent({
      type: 'notice',
      code: 'several-faces',
      message: '2 faces found; animating the largest',
    });
    expect(output.lines).toEqual([
      'WARNING: not a face animation',
      'note: 2 faces found; animating the largest',
    ]);
  });

  it('says which renderer form a GPU opened, timed now or remembered', () => {
    const output = captureOutput(false);
    const printer = animateProgressPrinter(output);
    const chosen = {
      type: 'variant-chosen',
      component: 'renderer',
      variant: 'padded-folded',
      batch: 8,
    } as const;
    printer.onEvent({
      ...chosen,
      source: 'timed',
      timings: { official: 9.187, 'padded-folded': 8.6, x: 'passed over: differs' },
    });
    printer.onEvent({ ...chosen, source: 'cache', timings: {} });
    expect(output.lines).toEqual([
      'renderer  form padded-folded (timed at batch 8: official 9.19 ms, padded-folded 8.60 ms, x passed over: differs)',
      'renderer  form padded-folded (remembered for batch 8)',
    ]);
  });
});
