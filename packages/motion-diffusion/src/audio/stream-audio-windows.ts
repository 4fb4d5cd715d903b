import type { AudioEncoderV1, Float32Tensor } from '@joyvasa/core';
import { type AudioWindowAssemblerOptions, createAudioWindowAssembler } from './audio-window-assembler.js';
import { planAudioWindows } from './audio-window-plan.js';
import { assertPlanFitsEncoder, encodeWindow } from './encode-audio-windows.js';

/** The encoded windows of a PCM stream, with what is known about them so far. */
export interface StreamedAudioWindows {
  /** Encoder features of each window, [windowFrames, featureDim], encoded as soon as the window is cut. */
  readonly windows: AsyncIterable<Float32Tensor>;
  /** Windows of the whole stream: 0 until it has ended. */
  windowCount(): number;
  /** Frames of window `index` that belong to the clip (see `AudioWindowAssembler.keep`). */
  keep(index: number): number;
  /** True for a window cut before all of its audio had arrived (`lookaheadFrames`). */
  approximate(index: number): boolean;
}

/**
 * Encodes the windows of mono PCM that arrives in chunks (at the encoder's rate), each as soon as it is
 * cut by {@link createAudioWindowAssembler}: the exact windows of the whole audio, one at a time.
 */
export function streamAudioWindows(
  pcm: AsyncIterable<Float32Array>,
  encoder: AudioEncoderV1,
  options: AudioWindowAssemblerOptions & { readonly signal?: AbortSignal },
): StreamedAudioWindows {
  assertPlanFitsEncoder(encoder, planAudioWindows(1, options));
  const assembler = createAudioWindowAssembler(options);
  const approximate = new Set<number>();
  const { windowFrames } = planAudioWindows(1, options);
  async function* windows(): AsyncGenerator<Float32Tensor> {
    for await (const chunk of pcm) {
      for (const window of assembler.push(chunk)) {
        if (window.approximate) approximate.add(window.index);
        yield encodeWindow(encoder, window.samples, window.index, windowFrames, options.signal);
      }
    }
    for (const window of assembler.end()) {
      yield encodeWindow(encoder, window.samples, window.index, windowFrames, options.signal);
    }
  }
  return {
    windows: windows(),
    windowCount: () => assembler.plan?.windowCount ?? 0,
    keep: (index) => assembler.keep(index),
    approximate: (index) => approximate.has(index),
  };
}
