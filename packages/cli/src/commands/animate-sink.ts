import type { FrameSinkResult, FrameSinkV1 } from '@joyvasa/pipeline';
import { createFfmpegVideoSink, createPngSequenceSink } from '@joyvasa/pipeline/node';

/** Where `joyvasa animate` writes: an mp4, a folder of PNG frames, or both. */
export interface AnimateSinkOptions {
  readonly out?: string;
  readonly pngDir?: string;
  /** Replace PNG frames already in `pngDir`. */
  readonly force?: boolean;
}

/**
 * Sends every frame to each sink in turn. `finish` returns the first sink's result with every sink's
 * files; a failure or abort in one aborts them all, so no partial output is left anywhere.
 */
function teeSink(sinks: readonly FrameSinkV1[]): FrameSinkV1 {
  const abortAll = (reason?: unknown) => Promise.all(sinks.map((sink) => sink.abort(reason))).then(() => {});
  const each = async (work: (sink: FrameSinkV1) => Promise<unknown>) => {
    try {
      return await Promise.all(sinks.map(work));
    } catch (error) {
      await abortAll(error);
      throw error;
    }
  };
  return {
    specificationVersion: 'v1',
    start: async (info) => void (await each((sink) => sink.start(info))),
    // Both at once: the producer reuses the frame only after write resolves, which waits for every sink.
    write: async (frame, index) => void (await each((sink) => sink.write(frame, index))),
    finish: async () => {
      const results = (await each((sink) => sink.finish())) as FrameSinkResult[];
      return { ...results[0]!, files: results.flatMap((result) => result.files) };
    },
    abort: abortAll,
  };
}

/** The sink for the options; undefined when there is nowhere to write (the command refuses that first). */
export function createAnimateSink(options: AnimateSinkOptions): FrameSinkV1 | undefined {
  const sinks: FrameSinkV1[] = [];
  if (options.out) sinks.push(createFfmpegVideoSink({ output: options.out }));
  if (options.pngDir)
    sinks.push(createPngSequenceSink({ directory: options.pngDir, overwrite: options.force === true }));
  return sinks.length > 1 ? teeSink(sinks) : sinks[0];
}
