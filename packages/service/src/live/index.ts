/**
 * `@joyvasa/service/live`: live sessions over WebRTC (WHEP-style signalling, VP8 + Opus). A separate entry
 * because it needs `werift`, an optional peer dependency: `npm install werift@0.24.4` where live sessions
 * are used; the render service (the package root) does not load it.
 */
export type { LiveConnection } from './live-connection.js';
export { type LiveRoutesOptions, type LiveSessionStats, liveRoutesPlugin } from './live-routes.js';
export {
  type LiveSession,
  type LiveSessionOptions,
  type LiveTick,
  startLiveSession,
} from './live-session.js';
export type { RealtimeAudio } from './realtime-audio.js';
