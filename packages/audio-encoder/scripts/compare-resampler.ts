/**
 * Compares this package's resampler with ffmpeg's soxr (the reference's librosa uses soxr_hq) and
 * with ffmpeg's own swr, on a logarithmic sweep from 20 Hz to 20 kHz resampled to 16 kHz.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/audio-encoder/scripts/compare-resampler.ts
 *
 * Prints, for each source rate: the lag that best aligns each output with soxr (should be 0), then max
 * abs error, RMS error and SNR in dB against soxr at precision 28, over the whole sweep and over the part
 * below 7 kHz (the passband every design keeps flat), and the energy each leaves above 8.5 kHz of sweep
 * (aliasing: the ideal is silence), and the SNR below 7 kHz against the sweep formula itself (absolute
 * accuracy, independent of soxr).
 */
import { spawnSync } from 'node:child_process';
import { encodeWav, resample } from '../src/index.js';

const seconds = 8;
const low = 20;
const high = 20000;
const amplitude = 0.5;

function logSweep(rate: number, n = Math.round(rate * seconds)): Float32Array {
  const k = Math.log(high / low);
  // Phase of an exponential sweep: 2π f0 T / ln(f1/f0) · (e^{t ln(f1/f0) / T} - 1).
  return Float32Array.from({ length: n }, (_, i) => {
    const t = i / rate;
    return amplitude * Math.sin(((2 * Math.PI * low * seconds) / k) * (Math.exp((t * k) / seconds) - 1));
  });
}

/** Instantaneous sweep frequency at output sample `i`. */
function sweepFrequency(i: number, rate: number): number {
  return low * Math.exp(((i / rate) * Math.log(high / low)) / seconds);
}

function ffmpegResample(input: Float32Array, rate: number, filter: string): Float32Array {
  const result = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'wav',
      '-i',
      'pipe:0',
      '-af',
      filter,
      '-f',
      'f32le',
      'pipe:1',
    ],
    { input: encodeWav(input, rate, { format: 'float32' }), maxBuffer: 1 << 28 },
  );
  if (result.status !== 0) throw new Error(`ffmpeg -af ${filter} failed: ${result.stderr}`);
  const bytes = result.stdout;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Lag of `candidate` relative to `reference` in [-maxLag, maxLag] with the smallest squared error. */
function bestLag(reference: Float32Array, candidate: Float32Array, maxLag = 40): number {
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let error = 0;
    for (let i = maxLag; i < reference.length - maxLag; i += 7)
      error += (candidate[i + lag]! - reference[i]!) ** 2;
    if (error < bestError) [best, bestError] = [lag, error];
  }
  return best;
}

interface Metrics {
  maxAbs: number;
  rms: number;
  snrDb: number;
}

function compare(reference: Float32Array, candidate: Float32Array, from: number, to: number): Metrics {
  let maxAbs = 0;
  let errorEnergy = 0;
  let signalEnergy = 0;
  for (let i = from; i < to; i++) {
    const error = candidate[i]! - reference[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(error));
    errorEnergy += error * error;
    signalEnergy += reference[i]! ** 2;
  }
  const count = to - from;
  return { maxAbs, rms: Math.sqrt(errorEnergy / count), snrDb: 10 * Math.log10(signalEnergy / errorEnergy) };
}

/** RMS of a signal over the output samples where the sweep is above `frequency`, in dB re full scale. */
function leakageDb(pcm: Float32Array, frequency: number): number {
  let energy = 0;
  let count = 0;
  for (let i = 0; i < pcm.length; i++) {
    if (sweepFrequency(i, 16000) > frequency && i < pcm.length - 200) {
      energy += pcm[i]! ** 2;
      count++;
    }
  }
  return 20 * Math.log10(Math.sqrt(energy / count) / amplitude);
}

function row(name: string, values: (string | number)[]): string {
  return [name.padEnd(34), ...values.map((v) => String(v).padStart(12))].join('');
}

const fmt = (value: number, digits = 2) =>
  Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toFixed(digits);

for (const rate of [44100, 48000]) {
  const sweep = logSweep(rate);
  const started = performance.now();
  const ours = resample(sweep, rate, 16000);
  const oursMs = performance.now() - started;
  const soxr28 = ffmpegResample(sweep, rate, 'aresample=16000:resampler=soxr:precision=28');
  const soxr20 = ffmpegResample(sweep, rate, 'aresample=16000:resampler=soxr:precision=20');
  const swr = ffmpegResample(sweep, rate, 'aresample=16000:resampler=swr');
  const length = Math.min(ours.length, soxr28.length, soxr20.length, swr.length);
  // Skip the edges, where each resampler treats the missing samples outside the signal its own way.
  const edge = 200;
  const passbandEnd = Math.floor((seconds * Math.log(7000 / low) * 16000) / Math.log(high / low));
  console.log(
    `\n${rate} Hz -> 16000 Hz, ${seconds} s log sweep ${low} Hz-${high} Hz at amplitude ${amplitude}`,
  );
  console.log(
    `lengths: ours ${ours.length}, soxr28 ${soxr28.length}, soxr20 ${soxr20.length}, swr ${swr.length}`,
  );
  console.log(`ours took ${oursMs.toFixed(0)} ms`);
  // Below 7 kHz a perfect resampler returns the sweep formula itself, sampled at 16 kHz.
  const ideal = logSweep(16000, length);
  console.log(
    row('vs soxr precision 28', [
      'lag',
      'max abs',
      'rms',
      'SNR dB',
      '<7k max',
      '<7k SNR dB',
      '>8.5k dB',
      'ideal<7k dB',
    ]),
  );
  for (const [name, output] of [
    ['ours (Kaiser sinc, 120 dB)', ours],
    ['soxr precision 20 (soxr_hq)', soxr20],
    ['swr default', swr],
    ['soxr precision 28 (itself)', soxr28],
  ] as const) {
    const all = compare(soxr28, output, edge, length - edge);
    const pass = compare(soxr28, output, edge, Math.min(passbandEnd, length - edge));
    console.log(
      row(name, [
        bestLag(soxr28, output),
        fmt(all.maxAbs, 5),
        fmt(all.rms, 6),
        fmt(all.snrDb, 1),
        fmt(pass.maxAbs, 6),
        fmt(pass.snrDb, 1),
        fmt(leakageDb(output, 8500), 1),
        fmt(compare(ideal, output, edge, Math.min(passbandEnd, length - edge)).snrDb, 1),
      ]),
    );
  }
}
