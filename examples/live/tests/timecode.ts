/**
 * The fake microphone's signal: a 1 kHz tone whose amplitude ramps from 0.1 to 0.9 over each period, so the
 * amplitude of any 40 ms of it says when in the period it was recorded. Resampling and a delay keep the
 * amplitude of a 1 kHz tone, so the same reading works on the captured and on the played voice.
 */
export const timecode = { hertz: 1000, periodSeconds: 10, low: 0.1, high: 0.9, windowSeconds: 0.04 };

/**
 * The signal at `sampleRate`, `seconds` long: several periods, because Chromium's fake device loses a few
 * ms where it loops the file, which would show as a sync error in a test that spans the loop.
 */
export function timecodeSignal(sampleRate: number, seconds = 60): Float32Array {
  const { hertz, periodSeconds, low, high } = timecode;
  return Float32Array.from({ length: seconds * sampleRate }, (_, i) => {
    const time = i / sampleRate;
    const amplitude = low + ((high - low) * (time % periodSeconds)) / periodSeconds;
    return amplitude * Math.sin(2 * Math.PI * hertz * time);
  });
}

/** One 40 ms window of a tap: its middle, in context seconds, and its peak amplitude (RMS · √2). */
export type TapReading = readonly [time: number, amplitude: number];

/** Where in the period a window's amplitude puts it, in seconds; undefined where no tone is heard. */
export function timecodeOf(amplitude: number): number | undefined {
  const { periodSeconds, low, high } = timecode;
  if (amplitude < low / 2) return undefined;
  return ((amplitude - low) / (high - low)) * periodSeconds;
}

/** `a - b` on the timecode's circle, in (-period/2, period/2]. */
export function timecodeDifference(a: number, b: number): number {
  const period = timecode.periodSeconds;
  const difference = (((a - b) % period) + period) % period;
  return difference > period / 2 ? difference - period : difference;
}

/**
 * The timecode a tap heard at context time `at`: from the reading nearest to it whose neighbours agree
 * with it (a window across the period's wrap mixes two amplitudes and reads wrong), moved on by the time
 * between them. Undefined when no such reading lies within `within` seconds.
 */
export function timecodeAt(readings: readonly TapReading[], at: number, within = 0.2): number | undefined {
  let best: { distance: number; code: number } | undefined;
  for (let i = 1; i + 1 < readings.length; i++) {
    const [time] = readings[i]!;
    const distance = Math.abs(time - at);
    if (distance > within || (best && distance >= best.distance)) continue;
    const codes = [readings[i - 1]!, readings[i]!, readings[i + 1]!].map(([t, a]) => {
      const code = timecodeOf(a);
      return code === undefined ? undefined : code - t;
    });
    if (codes.some((code) => code === undefined)) continue;
    const [before, here, after] = codes as number[];
    // Neighbours 40 ms apart advance the timecode by 40 ms: their offsets agree within noise (a few ms).
    if (
      Math.abs(timecodeDifference(before!, here!)) > 0.03 ||
      Math.abs(timecodeDifference(after!, here!)) > 0.03
    ) {
      continue;
    }
    best = { distance, code: here! + at };
  }
  return best?.code;
}

/**
 * The AudioWorklet module of a tap (processor `timecode-tap`): posts, for every `windowSeconds` of its input,
 * the window's middle (context time) and its peak amplitude (RMS · √2), a {@link TapReading}.
 */
export function timecodeTapModule(windowSeconds: number): string {
  return `registerProcessor('timecode-tap', class extends AudioWorkletProcessor {
      constructor() { super(); this.size = Math.round(${windowSeconds} * sampleRate); this.sum = 0; this.count = 0; }
      process(inputs) {
        const samples = inputs[0] && inputs[0][0];
        if (!samples) return true;
        for (let i = 0; i < samples.length; i++) {
          if (this.count === 0) this.start = currentTime + i / sampleRate;
          this.sum += samples[i] * samples[i];
          if (++this.count === this.size) {
            this.port.postMessage([this.start + this.size / 2 / sampleRate, Math.sqrt((2 * this.sum) / this.size)]);
            this.sum = 0;
            this.count = 0;
          }
        }
        return true;
      }
    });`;
}
