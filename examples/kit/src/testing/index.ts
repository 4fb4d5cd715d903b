export {
  type BrowserSession,
  type BrowserSessionOptions,
  openBrowserSession,
  type ServedSite,
  type TestPage,
} from './browser-session.js';
export { buildExample } from './build-example.js';
export { browserUnavailableReason, chromiumPath, launchChromium } from './launch-chromium.js';
export { type StaticServer, startStaticServer } from './start-static-server.js';
export { testPortraitPng } from './test-portrait.js';
