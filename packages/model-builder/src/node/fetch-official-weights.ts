import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type EventListener, IntegrityError, ModelLoadError, throwIfAborted } from '@joyvasa/core';
import { type OfficialGroup, officialSources } from '../bundle/official-layout.js';

/** Options of {@link fetchOfficialWeights}. */
export interface FetchOfficialWeightsOptions {
  /** The `pretrained_weights` folder to fill. */
  readonly to: string;
  /** Groups to fetch. Default: every default group (all but wav2vec2). */
  readonly groups?: readonly OfficialGroup[];
  /** Hub address. Default `https://huggingface.co`; tests point it at a local server. */
  readonly endpoint?: string;
  /** Access token for gated or private mirrors. */
  readonly token?: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
}

/** One file the hub lists, with what it promises about its content. */
interface ListedFile {
  readonly path: string;
  readonly size: number;
  /** sha256 of LFS files. */
  readonly sha256?: string;
  /** git blob sha1 of small (non-LFS) files. */
  readonly gitOid?: string;
}

/** What was done per file. */
export interface FetchedFile {
  readonly path: string;
  readonly bytes: number;
  readonly status: 'downloaded' | 'resumed' | 'present';
}

async function listRepository(
  repo: string,
  options: FetchOfficialWeightsOptions,
): Promise<Map<string, ListedFile>> {
  const url = `${options.endpoint ?? 'https://huggingface.co'}/api/models/${repo}/tree/main?recursive=true`;
  const response = await request(url, options);
  const entries = (await response.json()) as Array<{
    type: string;
    path: string;
    size: number;
    oid: string;
    lfs?: { oid: string; size: number };
  }>;
  const files = new Map<string, ListedFile>();
  for (const entry of entries) {
    if (entry.type !== 'file') continue;
    files.set(entry.path, {
      path: entry.path,
      size: entry.lfs?.size ?? entry.size,
      ...(entry.lfs ? { sha256: entry.lfs.oid } : { gitOid: entry.oid }),
    });
  }
  return files;
}

async function request(
  url: string,
  options: FetchOfficialWeightsOptions,
  headers: Record<string, string> = {},
) {
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      signal: options.signal,
      headers: { ...headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    });
  } catch (error) {
    throwIfAborted(options.signal);
    throw new ModelLoadError(url, `the request failed (${(error as Error).message}); check your connection`, {
      cause: error,
    });
  }
  if (!response.ok)
    throw new ModelLoadError(url, `the hub answered ${response.status} ${response.statusText}`);
  return response;
}

async function fileDigest(path: string, listed: ListedFile): Promise<string> {
  const hash = createHash(listed.sha256 ? 'sha256' : 'sha1');
  if (!listed.sha256) hash.update(`blob ${listed.size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.size,
    () => undefined,
  );
}

/** Downloads one file into `<target>.partial`, resuming from its current length, then verifies and renames it. */
async function downloadFile(
  url: string,
  target: string,
  listed: ListedFile,
  options: FetchOfficialWeightsOptions,
): Promise<FetchedFile['status']> {
  const partial = `${target}.partial`;
  const existing = (await sizeOf(partial)) ?? 0;
  const resume = existing > 0 && existing < listed.size;
  const response = await request(url, options, resume ? { range: `bytes=${existing}-` } : {});
  const append = resume && response.status === 206;
  const handle = await open(partial, append ? 'a' : 'w');
  let loaded = append ? existing : 0;
  try {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await handle.write(value);
      loaded += value.length;
      options.onEvent?.({
        type: 'model-file',
        status: 'progress',
        file: listed.path,
        loaded,
        total: listed.size,
      });
    }
  } catch (error) {
    throwIfAborted(options.signal);
    throw new ModelLoadError(
      url,
      `the download broke off at ${loaded} of ${listed.size} bytes; run fetch again to resume`,
      {
        cause: error,
      },
    );
  } finally {
    await handle.close();
  }
  const digest = await fileDigest(partial, listed);
  const expected = listed.sha256 ?? listed.gitOid!;
  if (digest !== expected) {
    await rm(partial, { force: true });
    throw new IntegrityError(listed.path, expected, digest);
  }
  await rename(partial, target);
  return append ? 'resumed' : 'downloaded';
}

/**
 * Downloads the official JoyVASA, LivePortrait and HuBERT files into the `pretrained_weights` layout of the
 * JoyVASA README. Resumable (interrupted files continue from `.partial`), checksummed against the hub's
 * listing (sha256 for LFS files, git blob hash for small files), and idempotent (verified files are kept).
 */
export async function fetchOfficialWeights(options: FetchOfficialWeightsOptions): Promise<FetchedFile[]> {
  const groups = options.groups ?? officialSources.filter((s) => s.defaultGroup).map((s) => s.group);
  const results: FetchedFile[] = [];
  for (const source of officialSources.filter((s) => groups.includes(s.group))) {
    const listing = await listRepository(source.repo, options);
    for (const path of source.files) {
      throwIfAborted(options.signal);
      const listed = listing.get(path);
      if (!listed)
        throw new ModelLoadError(`${source.repo}/${path}`, 'the hub does not list this file any more');
      const target = join(options.to, source.localPrefix, path);
      await mkdir(dirname(target), { recursive: true });
      if (
        (await sizeOf(target)) === listed.size &&
        (await fileDigest(target, listed)) === (listed.sha256 ?? listed.gitOid)
      ) {
        results.push({ path: target, bytes: listed.size, status: 'present' });
        continue;
      }
      options.onEvent?.({ type: 'model-file', status: 'start', file: path, loaded: 0, total: listed.size });
      const url = `${options.endpoint ?? 'https://huggingface.co'}/${source.repo}/resolve/main/${path}`;
      const status = await downloadFile(url, target, listed, options);
      options.onEvent?.({
        type: 'model-file',
        status: 'end',
        file: path,
        loaded: listed.size,
        total: listed.size,
      });
      results.push({ path: target, bytes: listed.size, status });
    }
  }
  return results;
}
