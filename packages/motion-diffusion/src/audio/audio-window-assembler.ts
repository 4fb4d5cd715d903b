import { InvalidInputError } from '@joyvasa/core';
import {
  type AudioWindowOptions,
  type AudioWindowPlan,
  keptFrames,
  planAudioWindows,
  windowSamples,
} from './audio-window-plan.js';

/** One window's samples, cut from a stream as soon as it may be sampled. */
export interface AssembledWindow {
  readonly index: number;
  /** The window's samples (`plan.windowSamples` of them), padded as {@link windowSamples} pads. */
  readonly samples: Float32Array;
  /**
   * True when the window was cut before all of its audio had arrived (`lookaheadFrames`): the rest is
   * padded as the last window of a clip ending there would be, so its motion only approximates the exact one.
   */
  readonly approximate: boolean;
}

/** Options of {@link createAudioWindowAssembler}: the window bookkeeping, plus how early a window may start. */
export interface AudioWindowAssemblerOptions extends AudioWindowOptions {
  /**
   * Frames of a window's own audio needed before it is cut (1 … windowFrames). Default: all of them, the
   * exact path; fewer cut each window earlier, padded, for lower latency and approximate motion.
   */
  readonly lookaheadFrames?: number;
}

/** Cuts a PCM stream into the official windows; see {@link createAudioWindowAssembler}. */
export interface AudioWindowAssembler {
  /** Adds mono samples; returns the windows that may now be sampled, in order. */
  push(pcm: Float32Array): AssembledWindow[];
  /** Ends the stream: returns the remaining windows of the official plan for everything received. */
  end(): AssembledWindow[];
  /** The plan of the whole stream, once it has ended. */
  readonly plan: AudioWindowPlan | undefined;
  /** Frames of window `index` that belong to the clip: all of them, except the last window's padded tail. */
  keep(index: number): number;
}

/**
 * Cuts mono PCM (at `options.sampleRate`) that arrives in pieces into exactly the windows {@link planAudioWindows} and
 * {@link windowSamples} make of the whole audio. Window i is complete once the silence-padded audio
 * reaches (i + 1)·64,000 samples; such a window keeps all its frames whatever follows (the stream's end
 * can only cut a window that is still incomplete), so it is handed out at once. At the end, the official
 * plan for the received length decides the last windows and their padding. Only the samples the next
 * window reads are held, so memory stays flat.
 */
export function createAudioWindowAssembler(options: AudioWindowAssemblerOptions): AudioWindowAssembler {
  const shape = planAudioWindows(1, options);
  const lookaheadFrames = options.lookaheadFrames ?? shape.windowFrames;
  if (!Number.isInteger(lookaheadFrames) || lookaheadFrames < 1 || lookaheadFrames > shape.windowFrames) {
    throw new InvalidInputError(
      'options.lookaheadFrames',
      `${lookaheadFrames} must be a whole number of frames from 1 to ${shape.windowFrames}`,
    );
  }
  const needed = Math.min(shape.windowSamples, lookaheadFrames * shape.samplesPerFrame);
  let held = new Float32Array(0);
  /** Input index of `held[0]`. */
  let heldStart = 0;
  let received = 0;
  let next = 0;
  let plan: AudioWindowPlan | undefined;

  const cut = (windowPlan: AudioWindowPlan): AssembledWindow => {
    const index = next++;
    const samples = windowSamples(held, windowPlan, index, heldStart);
    const approximate = windowPlan.leadingSilence + received < (index + 1) * shape.windowSamples && !plan;
    // Later windows start at index + 1; nothing before that is read again.
    const keepFrom = Math.min(
      received,
      Math.max(heldStart, next * shape.windowSamples - shape.leadingSilence),
    );
    held = held.slice(keepFrom - heldStart);
    heldStart = keepFrom;
    return { index, samples, approximate };
  };

  return {
    push(pcm) {
      if (plan) throw new InvalidInputError('audio', 'samples pushed after the end of the stream');
      const grown = new Float32Array(held.length + pcm.length);
      grown.set(held);
      grown.set(pcm, held.length);
      held = grown;
      received += pcm.length;
      const windows: AssembledWindow[] = [];
      const ready = () => shape.leadingSilence + received >= next * shape.windowSamples + needed;
      if (received > 0 && ready()) {
        // Any plan for the samples so far cuts a window that lies inside them the same way.
        const soFar = planAudioWindows(received, options);
        while (ready()) windows.push(cut(soFar));
      }
      return windows;
    },
    end() {
      plan = planAudioWindows(received, options);
      const windows: AssembledWindow[] = [];
      while (next < plan.windowCount) windows.push(cut(plan));
      return windows;
    },
    get plan() {
      return plan;
    },
    keep: (index) => (plan ? keptFrames(plan, index) : shape.windowFrames),
  };
}
