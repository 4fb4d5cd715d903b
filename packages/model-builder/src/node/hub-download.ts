import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import {
  type EventListener,
  IntegrityError,
  ModelLoadError,
  OutputWriteError,
  throwIfAborted,
} from '@joyvasa/core';
import type { ListedFile } from './hub-listing.js';
import { type HubRequestOptions, type HubResponse, hubRequest } from './hub-request.js';

/** How a file came to be there. */
export type DownloadStatus = 'downloaded' | 'resumed' | 'present';

/** The file's hash as the listing states it: sha256 for LFS files, the git blob sha1 for small ones. */
export async function fileDigest(path: string, listed: ListedFile): Promise<string> {
  const hash = createHash(listed.sha256 ? 'sha256' : 'sha1');
  if (!listed.sha256) hash.update(`blob ${listed.size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's size, or undefined when it does not exist. */
export async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.size,
    () => undefined,
  );
}

/**
 * Checks the answer's framing against the listing before a byte is written: a full answer must be as long
 * as the listed size, a partial one must start where the partial file ends and end at the listed size.
 */
function checkFraming(response: HubResponse, listed: ListedFile, from: number): void {
  const fail = (why: string) => {
    throw new ModelLoadError(response.url, `${why}; the server or mirror is broken (run fetch again)`);
  };
  const length = response.headers.get('content-length');
  const expected = listed.size - from;
  if (length !== null && Number(length) !== expected) {
    fail(`Content-Length ${length} does not match the ${expected} bytes the listing leaves to fetch`);
  }
  if (response.status !== 206) return;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  const [start, end, total] = range ? [Number(range[1]), Number(range[2]), range[3]] : [];
  if (start !== from || end !== listed.size - 1 || (total !== '*' && Number(total) !== listed.size)) {
    fail(
      `Content-Range '${response.headers.get('content-range') ?? ''}' does not continue the ${from} bytes ` +
        `already here up to the listed ${listed.size}`,
    );
  }
}

/** Writes the body into `partial`, stopping as soon as it would pass the listed size. */
async function writeBody(
  response: HubResponse,
  partial: string,
  append: boolean,
  listed: ListedFile,
  onEvent: EventListener | undefined,
): Promise<void> {
  const handle = await open(partial, append ? 'a' : 'w');
  let loaded = append ? (await handle.stat()).size : 0;
  const next = () =>
    response.next().catch((error: unknown) => {
      if (!ModelLoadError.isInstance(error)) throw error;
      throw new ModelLoadError(
        response.url,
        `the download broke off at ${loaded} of ${listed.size} bytes (${error.message.replace(/^Cannot load .+?: /, '')}); ` +
          'run fetch again to resume',
        { cause: error },
      );
    });
  try {
    for (let chunk = await next(); chunk; chunk = await next()) {
      if (loaded + chunk.length > listed.size) {
        await response.cancel();
        throw new ModelLoadError(
          response.url,
          `the server sends more than the listed ${listed.size} bytes; the mirror is broken or hostile`,
        );
      }
      await handle.write(chunk).catch(async (error: unknown) => {
        await response.cancel();
        await rm(partial, { force: true });
        throw new OutputWriteError(partial, error, 'Free some space and run fetch again.');
      });
      loaded += chunk.length;
      onEvent?.({ type: 'model-file', status: 'progress', file: listed.path, loaded, total: listed.size });
    }
  } finally {
    await handle.close();
  }
  if (loaded !== listed.size) {
    throw new ModelLoadError(
      response.url,
      `the download broke off at ${loaded} of ${listed.size} bytes; run fetch again to resume`,
    );
  }
}

/** Options of {@link downloadFile}. */
export interface DownloadOptions extends HubRequestOptions {
  readonly onEvent?: EventListener;
}

/**
 * Downloads one file into `<target>.partial`, resuming from its current length, checks its framing
 * (Content-Length, Content-Range) and size against the listing while it streams, then its hash, and
 * renames it into place. Only a verified file ever carries the target's name.
 */
export async function downloadFile(
  url: string,
  target: string,
  listed: ListedFile,
  options: DownloadOptions,
): Promise<DownloadStatus> {
  const partial = `${target}.partial`;
  const existing = (await sizeOf(partial)) ?? 0;
  const resume = existing > 0 && existing < listed.size;
  const response = await hubRequest(url, options, resume ? { range: `bytes=${existing}-` } : {});
  const append = resume && response.status === 206;
  try {
    checkFraming(response, listed, append ? existing : 0);
  } catch (error) {
    await response.cancel();
    throw error;
  }
  await writeBody(response, partial, append, listed, options.onEvent);
  throwIfAborted(options.signal);
  const digest = await fileDigest(partial, listed);
  const expected = listed.sha256 ?? listed.gitOid!;
  if (digest !== expected) {
    await rm(partial, { force: true });
    throw new IntegrityError(listed.path, expected, digest, {
      hint: 'The download was removed; run fetch again, and if it fails again, the mirror serves a wrong file.',
    });
  }
  await rename(partial, target);
  return append ? 'resumed' : 'downloaded';
}
