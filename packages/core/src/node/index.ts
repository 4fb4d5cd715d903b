export { createDirectorySource } from './directory-source.js';
export { createFileStore, defaultCacheDirectory } from './file-store.js';
