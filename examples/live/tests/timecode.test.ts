import { describe, expect, it } from 'vitest';
import { type TapReading, timecode, timecodeAt, timecodeDifference, timecodeSignal } from './timecode.js';

/** A tap's readings of the signal, 40 ms windows, as the live test's worklet takes them. */
function readings(signal: Float32Array, rate: number, startContextTime: number): TapReading[] {
  const size = Math.round(timecode.windowSeconds * rate);
  const out: TapReading[] = [];
  for (let start = 0; start + size <= signal.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += signal[i]! ** 2;
    out.push([startContextTime + (start + size / 2) / rate, Math.sqrt((2 * sum) / size)]);
  }
  return out;
}

describe('the live test timecode', () => {
  const rate = 44100;
  const signal = timecodeSignal(rate, 25);
  // The signal starts playing at context time 3 s: at context time t it is at (t - 3) mod 10 s. The taps'
  // windows start 700 samples in, so that one window straddles the wrap at 13 s.
  const taps = readings(signal.subarray(700), rate, 3 + 700 / rate);

  it('reads when, in its period, a tap heard the signal', () => {
    for (const at of [3.5, 7.25, 11.9, 20.02]) {
      const code = timecodeAt(taps, at)!;
      expect(Math.abs(timecodeDifference(code, (at - 3) % timecode.periodSeconds))).toBeLessThan(0.002);
    }
  });

  it('skips the windows across the period wrap, and silence', () => {
    // At context time 13 s the signal wraps: the window across it reads half-way up the ramp.
    const across = taps.find(([t]) => Math.abs(t - 13) < timecode.windowSeconds / 2)!;
    expect(across[1]).toBeGreaterThan(0.3);
    expect(across[1]).toBeLessThan(0.8);
    const code = timecodeAt(taps, 13)!;
    expect(Math.abs(timecodeDifference(code, 0))).toBeLessThan(0.002);
    const silent: TapReading[] = taps.map(([t]) => [t, 0]);
    expect(timecodeAt(silent, 5)).toBeUndefined();
    expect(timecodeAt(taps, 40)).toBeUndefined();
  });

  it('subtracts on the circle', () => {
    expect(timecodeDifference(9.9, 0.1)).toBeCloseTo(-0.2, 9);
    expect(timecodeDifference(0.1, 9.9)).toBeCloseTo(0.2, 9);
  });
});
