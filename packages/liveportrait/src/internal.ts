/**
 * `@joyvasa/liveportrait/internal`: every building block of the package, for the pipeline, the golden
 * harness and tools that rebuild parts of the official chain. No compatibility promise beyond the
 * package's version: the stable surface is the root entry.
 */
export * from './bundle/index.js';
export * from './crop/index.js';
export * from './detection/index.js';
export * from './image/index.js';
export * from './locators/index.js';
export * from './motion/index.js';
export * from './paste-back/index.js';
export * from './source/index.js';
export { version } from './version.js';
