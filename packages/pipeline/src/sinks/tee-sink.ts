import type { FrameSinkResult, FrameSinkV1 } from './frame-sink.js';

/**
 * One sink that feeds several: a video file plus a live preview (`createTeeSink(videoSink,
 * createCanvasSink(canvas))`). Every call goes to each sink in turn; `finish` resolves to the first sink's
 * result once all have finished. When any call fails, every sink is aborted (removing partial output) and
 * the error is rethrown.
 */
export function createTeeSink<Result extends FrameSinkResult>(
  primary: FrameSinkV1<Result>,
  ...others: readonly FrameSinkV1[]
): FrameSinkV1<Result> {
  const sinks: readonly FrameSinkV1[] = [primary, ...others];
  const abortAll = (reason?: unknown) => Promise.allSettled(sinks.map((sink) => sink.abort(reason)));
  async function each<T>(call: (sink: FrameSinkV1) => Promise<T>): Promise<T[]> {
    const results: T[] = [];
    try {
      for (const sink of sinks) results.push(await call(sink));
    } catch (error) {
      await abortAll(error);
      throw error;
    }
    return results;
  }
  return {
    specificationVersion: 'v1',
    async start(info) {
      await each((sink) => sink.start(info));
    },
    async write(frame, index) {
      await each((sink) => sink.write(frame, index));
    },
    async finish() {
      const [first] = await each((sink) => sink.finish());
      return first as Result;
    },
    async abort(reason) {
      await abortAll(reason);
    },
  };
}
