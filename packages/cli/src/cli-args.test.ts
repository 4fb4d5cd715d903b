import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { errorLine, exitCodes, failureExit, interruptible, stopSignals } from './cli-args.js';
import { captureOutput } from './cli-output.js';

describe('failureExit', () => {
  it('prints one line for an SDK error and for any other error, never a stack', () => {
    for (const [error, line] of [
      [new InvalidInputError('audio', 'it is empty'), 'error: Invalid audio: it is empty'],
      [
        new TypeError('entries is not iterable\n    at x.ts:1'),
        'error: unexpected failure, TypeError: entries is not iterable',
      ],
    ] as const) {
      const output = captureOutput();
      expect(failureExit(output, error, 'stopped')).toBe(exitCodes.failed);
      expect(output.text().trim().split('\n')).toHaveLength(1);
      expect(output.text()).toContain(line);
      expect(errorLine(error)).toContain(line);
    }
  });

  it('reports an abort as an interruption', () => {
    const output = captureOutput();
    const abort = new DOMException('Interrupted (SIGTERM)', 'AbortError');
    expect(failureExit(output, abort, 'no file was left')).toBe(exitCodes.interrupted);
    expect(output.text()).toContain('interrupted: no file was left');
  });
});

describe('interruptible', () => {
  it.each(stopSignals)('aborts on %s like Ctrl-C, and stops listening once disposed', (name) => {
    const before = process.listenerCount(name);
    const stop = interruptible();
    expect(process.listenerCount(name)).toBe(before + 1);
    process.emit(name, name);
    expect(stop.signal.aborted).toBe(true);
    expect((stop.signal.reason as Error).name).toBe('AbortError');
    // The first signal removes every handler, so a second one ends the process as it normally would.
    for (const other of stopSignals) expect(process.listenerCount(other)).toBe(before);
    stop.dispose();
  });
});
