import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * For a prerequisite a developer machine may lack (the shared data, ffmpeg, a browser): throws
 * `new Error(reason)` when the tests run on CI (`CI=true`), where every test must run; elsewhere returns,
 * and the caller skips.
 */
export function failOnCi(reason: string, cause?: unknown): void {
  if (process.env.CI !== 'true') return;
  throw cause === undefined ? new Error(reason) : new Error(reason, { cause });
}

/** The shared folder (data, golden vectors): `$JOYVASA_SHARED_DIR`, else `shared` beside the repository. */
export function sharedDirectory(): string {
  return process.env.JOYVASA_SHARED_DIR ?? fileURLToPath(new URL('../../../../shared', import.meta.url));
}

/**
 * Whether the shared files some tests need (paths relative to {@link sharedDirectory}) are there: true
 * when all are; when one is missing, false on a developer machine (skip those tests, e.g.
 * `describe.skipIf(!requireSharedData('data/images/MANIFEST.tsv'))`) and an error on CI.
 */
export function requireSharedData(...relativePaths: string[]): boolean {
  const directory = sharedDirectory();
  const missing = relativePaths.filter((path) => !existsSync(join(directory, path)));
  if (missing.length === 0) return true;
  failOnCi(`no ${missing.join(', ')} under ${directory}; set JOYVASA_SHARED_DIR to the shared folder`);
  return false;
}
