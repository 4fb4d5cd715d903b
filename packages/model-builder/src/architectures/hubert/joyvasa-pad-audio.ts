import type { GraphBuilder } from '../../onnx/graph-builder.js';

/** What JoyVASA's `pad_audio` does to a window of a given length. */
export interface JoyvasaAudioPadding {
  /** Samples reflected onto each side, applied twice in a row (the official code repeats the line). */
  readonly reflect: number;
  /** Samples replicated onto each side after the reflect pads (0 or 1). */
  readonly replicate: number;
  /** The padded length: `samples + 4·reflect + 2·replicate`. */
  readonly paddedSamples: number;
}

/**
 * The padding of JoyVASA's `pad_audio(audio, audio_unit = 320, pad_threshold = 80)` for `samples` samples:
 * `side = ceil((unit·floor(samples / unit) + threshold − samples) / 2)`; when `side ≥ 0`, reflect
 * `floor(side / 2)` samples on both sides twice, then replicate `side mod 2` samples on both sides.
 * For every multiple of 320 samples (so every whole 25 fps window) that is a reflect pad of 20, twice.
 */
export function joyvasaAudioPadding(samples: number, unit = 320, threshold = 80): JoyvasaAudioPadding {
  const side = Math.ceil((unit * Math.floor(samples / unit) + threshold - samples) / 2);
  if (side <= 0) return { reflect: 0, replicate: 0, paddedSamples: samples };
  const reflect = Math.floor(side / 2);
  const replicate = side % 2;
  return { reflect, replicate, paddedSamples: samples + 4 * reflect + 2 * replicate };
}

/**
 * Adds JoyVASA's `pad_audio` to a graph: `audio` [batch, samples] → [batch, samples + 80]. Valid for
 * lengths that are multiples of 320 samples, where the padding does not depend on the length (the graph's
 * `samples` axis is dynamic, so a length-dependent pad could not be expressed as constant Pad nodes).
 * ONNX `reflect` excludes the edge sample, like numpy's and PyTorch's `reflect`.
 */
export function joyvasaPadAudio(g: GraphBuilder, audio: string, unit = 320, threshold = 80): string {
  const { reflect, replicate } = joyvasaAudioPadding(unit, unit, threshold);
  let x = audio;
  if (reflect > 0) {
    const pads = g.int64([0, reflect, 0, reflect]);
    x = g.op('Pad', [g.op('Pad', [x, pads], { mode: 'reflect' }), pads], { mode: 'reflect' });
  }
  if (replicate > 0) x = g.op('Pad', [x, g.int64([0, 1, 0, 1])], { mode: 'edge' });
  return x;
}
