import { assertImage, InvalidInputError, type RgbImage } from '@joyvasa/core';
import type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1 } from './frame-sink.js';

/** What a sink built with {@link createFrameSink} does; the {@link FrameSinkV1} contract is checked for it. */
export interface FrameSinkHandlers {
  /** Only RGB frames (3 channels) are accepted. Default false: any well-formed image of the started size. */
  readonly rgbOnly?: boolean;
  /** Prepares the output for frames of `info` (fps already checked). If it throws, the sink stays idle. */
  start(info: FrameSinkStartInfo): void | Promise<void>;
  /** Consumes frame `index`, already checked: written in order, well formed, of the started size. */
  write(frame: RgbImage, index: number, info: FrameSinkStartInfo): void | Promise<void>;
  /** The files written, in frame order, for `finish`. Default: none (an in-memory sink). */
  files?(): readonly string[];
  /** Removes the partial output; called once, at the first `abort` before `finish`. */
  abort(): void | Promise<void>;
}

/**
 * A {@link FrameSinkV1} that enforces the sink contract around `handlers`: `start` once with a positive
 * fps, then frames 0, 1, 2, … of the started size, then `finish` (frame count, duration at that fps,
 * files) or `abort` (idempotent; nothing works after it). Calls out of order throw InvalidInputError.
 */
export function createFrameSink(handlers: FrameSinkHandlers): FrameSinkV1 {
  let info: FrameSinkStartInfo | undefined;
  let written = 0;
  let state: 'idle' | 'running' | 'done' | 'aborted' = 'idle';
  const expect = (wanted: typeof state, method: string) => {
    if (state !== wanted)
      throw new InvalidInputError('sink', `${method}() cannot be called now (the sink is ${state})`);
  };
  const checkFrame = (frame: RgbImage, index: number, started: FrameSinkStartInfo) => {
    if (index !== written) {
      throw new InvalidInputError('index', `expected frame ${written}, got ${index}; write frames in order`);
    }
    assertImage('frame', frame);
    const rgbOnly = handlers.rgbOnly ?? false;
    if (
      frame.width !== started.width ||
      frame.height !== started.height ||
      (rgbOnly && frame.channels !== 3)
    ) {
      const size = `${frame.width}x${frame.height}`;
      const wanted = `${started.width}x${started.height}`;
      throw new InvalidInputError(
        'frame',
        rgbOnly
          ? `is ${size}x${frame.channels}; the sink was started for ${wanted} RGB`
          : `is ${size}; the sink was started for ${wanted}`,
      );
    }
  };

  return {
    specificationVersion: 'v1',
    async start(startInfo) {
      expect('idle', 'start');
      if (!(startInfo?.fps > 0))
        throw new InvalidInputError('info.fps', `must be positive, got ${startInfo?.fps}`);
      await handlers.start(startInfo);
      info = startInfo;
      state = 'running';
    },
    async write(frame, index) {
      expect('running', 'write');
      checkFrame(frame, index, info!);
      await handlers.write(frame, index, info!);
      written++;
    },
    async finish(): Promise<FrameSinkResult> {
      expect('running', 'finish');
      state = 'done';
      return {
        frameCount: written,
        durationSeconds: written / info!.fps,
        files: [...(handlers.files?.() ?? [])],
      };
    },
    async abort() {
      if (state === 'done' || state === 'aborted') return;
      state = 'aborted';
      await handlers.abort();
    },
  };
}
