import { assertImage, InvalidInputError, type RgbImage } from '@joyvasa/core';
import type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1 } from './frame-sink.js';

/** What a sink built with {@link createFrameSink} does; the {@link FrameSinkV1} contract is checked for it. */
export interface FrameSinkHandlers<Extra extends object = object> {
  /** Only RGB frames (3 channels) are accepted. Default false: any well-formed image of the started size. */
  readonly rgbOnly?: boolean;
  /** Aborts the sink (with the signal's reason) when it fires. */
  readonly signal?: AbortSignal;
  /** Prepares the output for frames of `info` (fps already checked). If it throws, the sink stays idle. */
  start(info: FrameSinkStartInfo): void | Promise<void>;
  /** Consumes frame `index`, already checked: written in order, well formed, of the started size. */
  write(frame: RgbImage, index: number, info: FrameSinkStartInfo): void | Promise<void>;
  /**
   * Completes the output after `written` frames; what it returns is added to (and may correct) `finish()`'s
   * result. If it throws, the partial output is removed (`abort`) and the error rethrown. Default: nothing.
   */
  finish?(written: number, info: FrameSinkStartInfo): Extra | Promise<Extra>;
  /**
   * Takes live audio: the sink then has `writeAudio`, accepted once it was started with `{ live, sampleRate }`
   * audio. Gets the mono samples, checked to be a Float32Array.
   */
  writeAudio?(pcm: Float32Array, info: FrameSinkStartInfo): void | Promise<void>;
  /** The files written, in frame order, for `finish`. Default: none (an in-memory sink). */
  files?(): readonly string[];
  /** Removes the partial output; called once, at the first `abort` (or a failed `finish`). */
  abort(reason?: unknown): void | Promise<void>;
}

type SinkState = 'idle' | 'running' | 'done' | 'aborted';

function checkFrame(frame: RgbImage, started: FrameSinkStartInfo, rgbOnly: boolean): void {
  assertImage('frame', frame);
  if (frame.width === started.width && frame.height === started.height && (!rgbOnly || frame.channels === 3))
    return;
  const size = `${frame.width}x${frame.height}`;
  const wanted = `${started.width}x${started.height}`;
  throw new InvalidInputError(
    'frame',
    rgbOnly
      ? `is ${size}x${frame.channels}; the sink was started for ${wanted} RGB`
      : `is ${size}; the sink was started for ${wanted}`,
  );
}

/**
 * A {@link FrameSinkV1} that enforces the sink contract around `handlers`: `start` once with a positive
 * fps, then frames 0, 1, 2, … of the started size (and, for a live sink, audio between them), then `finish`
 * (frame count, duration at that fps, files, and what `handlers.finish` adds) or `abort` (idempotent;
 * nothing works after it). Calls out of order throw InvalidInputError; after an abort they throw its reason.
 */
export function createFrameSink<Extra extends object = object>(
  handlers: FrameSinkHandlers<Extra>,
): FrameSinkV1<FrameSinkResult & Extra> {
  let info: FrameSinkStartInfo | undefined;
  let written = 0;
  let state: SinkState = 'idle';
  let abortReason: unknown;
  const expect = (wanted: SinkState, method: string) => {
    if (state === 'aborted' && abortReason !== undefined) throw abortReason;
    if (state !== wanted)
      throw new InvalidInputError('sink', `${method}() cannot be called now (the sink is ${state})`);
  };
  const onAbort = () => void sink.abort(handlers.signal?.reason).catch(() => {});

  const sink: FrameSinkV1<FrameSinkResult & Extra> = {
    specificationVersion: 'v1',
    async start(startInfo) {
      expect('idle', 'start');
      handlers.signal?.throwIfAborted();
      if (!(startInfo?.fps > 0))
        throw new InvalidInputError('info.fps', `must be positive, got ${startInfo?.fps}`);
      await handlers.start(startInfo);
      // abort() may have run while the output was being prepared: it removed what was there then.
      if ((state as SinkState) === 'aborted') {
        await handlers.abort(abortReason);
        throw abortReason;
      }
      info = startInfo;
      state = 'running';
      handlers.signal?.addEventListener('abort', onAbort, { once: true });
      if (handlers.signal?.aborted) onAbort();
    },
    async write(frame, index) {
      expect('running', 'write');
      if (index !== written) {
        throw new InvalidInputError(
          'index',
          `expected frame ${written}, got ${index}; write frames in order`,
        );
      }
      checkFrame(frame, info!, handlers.rgbOnly ?? false);
      await handlers.write(frame, index, info!);
      written++;
    },
    async finish() {
      expect('running', 'finish');
      state = 'done';
      handlers.signal?.removeEventListener('abort', onAbort);
      let extra: Extra;
      try {
        extra = (await handlers.finish?.(written, info!)) ?? ({} as Extra);
      } catch (error) {
        state = 'aborted';
        await handlers.abort(error);
        throw error;
      }
      const base = { frameCount: written, durationSeconds: written / info!.fps };
      return { ...base, files: [...(handlers.files?.() ?? [])], ...extra };
    },
    async abort(reason) {
      if (state === 'done' || state === 'aborted') return;
      state = 'aborted';
      abortReason = reason ?? new DOMException('The sink was aborted.', 'AbortError');
      handlers.signal?.removeEventListener('abort', onAbort);
      await handlers.abort(abortReason);
    },
  };
  if (handlers.writeAudio) {
    const writeAudio = handlers.writeAudio;
    sink.writeAudio = async (pcm) => {
      expect('running', 'writeAudio');
      if (!(info!.audio && 'live' in info!.audio)) {
        throw new InvalidInputError(
          'audio',
          'the sink was started without live audio ({ live, sampleRate })',
        );
      }
      if (!(pcm instanceof Float32Array)) throw new InvalidInputError('pcm', 'must be a Float32Array');
      await writeAudio(pcm, info!);
    };
  }
  return sink;
}
