import type { FrameSinkStartInfo, FrameSinkV1 } from '../src/sinks/frame-sink.js';

/** A sink that keeps what `start` was told and counts frames. */
export function recordingSink(): FrameSinkV1 & { info?: FrameSinkStartInfo; written: number } {
  const sink = {
    specificationVersion: 'v1' as const,
    info: undefined as FrameSinkStartInfo | undefined,
    written: 0,
    async start(info: FrameSinkStartInfo) {
      sink.info = info;
    },
    async write() {
      sink.written++;
    },
    async finish() {
      return { frameCount: sink.written, durationSeconds: sink.written / sink.info!.fps, files: [] };
    },
    async abort() {},
  };
  return sink;
}
