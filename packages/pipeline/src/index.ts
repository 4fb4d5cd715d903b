export type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1, SinkAudio } from './frame-sink.js';
export { version } from './version.js';
