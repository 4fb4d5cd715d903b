export { createDirectorySource } from './directory-source.js';
export { createFileStore, defaultCacheDirectory } from './file-store.js';
export { isModuleNotFound } from './is-module-not-found.js';
export {
  describeFileKind,
  describeOpenFailure,
  type FileRefusal,
  type OpenedRegularFile,
  openRegularFile,
  type RegularFileOptions,
  readOpened,
  readRegularFile,
} from './read-regular-file.js';
