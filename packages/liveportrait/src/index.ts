export * from './bundle/index.js';
export * from './crop/index.js';
export * from './detection/index.js';
export * from './image/index.js';
export * from './locators/index.js';
export * from './motion/index.js';
export * from './paste-back/index.js';
export * from './source/index.js';
export { version } from './version.js';
