import { inputLimits, ModelLoadError } from '@joyvasa/core';
import type { HubResponse } from './hub-request.js';

/** One file the hub lists, with what it promises about its content. */
export interface ListedFile {
  readonly path: string;
  readonly size: number;
  /** sha256 of LFS files. */
  readonly sha256?: string;
  /** git blob sha1 of small (non-LFS) files. */
  readonly gitOid?: string;
}

/**
 * The body of a listing as text, refused past `maxBytes` (default {@link inputLimits.listingMaxBytes})
 * whatever Content-Length says, so a hostile server cannot make the listing fill memory.
 */
export async function readListingText(
  response: HubResponse,
  maxBytes: number = inputLimits.listingMaxBytes,
): Promise<string> {
  const tooLarge = () =>
    new ModelLoadError(
      response.url,
      `the file listing exceeds ${maxBytes} bytes (a hub listing takes a few kilobytes); is --endpoint a Hugging Face hub?`,
    );
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let chunk = await response.next(); chunk; chunk = await response.next()) {
    total += chunk.length;
    if (total > maxBytes) {
      await response.cancel();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isHex = (value: unknown, length: number): value is string =>
  typeof value === 'string' && value.length === length && /^[0-9a-f]+$/.test(value);

/** One listed entry as a file, or undefined for folders; throws for anything malformed. */
function listedFile(entry: unknown, index: number, url: string): ListedFile | undefined {
  const bad = (why: string) =>
    new ModelLoadError(url, `entry ${index} of the file listing ${why}; is --endpoint a Hugging Face hub?`);
  if (typeof entry !== 'object' || entry === null) throw bad('is not an object');
  const { type, path, size, oid, lfs } = entry as Record<string, unknown>;
  if (type !== 'file') return undefined;
  if (typeof path !== 'string' || path === '') throw bad('has no path');
  if (lfs !== undefined && lfs !== null) {
    const { oid: sha256, size: lfsSize } = lfs as Record<string, unknown>;
    if (!isHex(sha256, 64) || !isCount(lfsSize)) throw bad(`(${path}) has a malformed lfs record`);
    return { path, size: lfsSize, sha256 };
  }
  if (!isCount(size) || !isHex(oid, 40)) throw bad(`(${path}) has no valid size and git oid`);
  return { path, size, gitOid: oid };
}

/**
 * Parses a hub `tree` listing (a JSON array of `{type, path, size, oid, lfs?}`) into the files it lists by
 * path. Throws ModelLoadError naming `url` for anything else: not JSON, not an array, malformed entries.
 */
export function parseHubListing(text: string, url: string): Map<string, ListedFile> {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(
      url,
      `the file listing is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))}); is --endpoint a Hugging Face hub?`,
      { cause: error },
    );
  }
  if (!Array.isArray(entries)) {
    throw new ModelLoadError(url, 'the file listing is not a JSON array; is --endpoint a Hugging Face hub?');
  }
  const files = new Map<string, ListedFile>();
  entries.forEach((entry, index) => {
    const file = listedFile(entry, index, url);
    if (file) files.set(file.path, file);
  });
  return files;
}
