import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type EventListener, ModelLoadError, throwIfAborted } from '@joyvasa/core';
import { type OfficialGroup, officialSources } from '../bundle/official-layout.js';
import { type DownloadStatus, downloadFile, fileDigest, sizeOf } from './hub-download.js';
import { type ListedFile, parseHubListing, readListingText } from './hub-listing.js';
import { type HubRequestOptions, hubRequest } from './hub-request.js';

/** Options of {@link fetchOfficialWeights}; the timeouts of {@link HubRequestOptions} apply to each request. */
export interface FetchOfficialWeightsOptions extends HubRequestOptions {
  /** The `pretrained_weights` folder to fill. */
  readonly to: string;
  /** Groups to fetch. Default: every default group (all but wav2vec2). */
  readonly groups?: readonly OfficialGroup[];
  /** Hub address. Default `https://huggingface.co`; tests point it at a local server. */
  readonly endpoint?: string;
  readonly onEvent?: EventListener;
}

/** What was done per file. */
export interface FetchedFile {
  readonly path: string;
  readonly bytes: number;
  readonly status: DownloadStatus;
}

async function listRepository(
  repo: string,
  options: FetchOfficialWeightsOptions,
): Promise<Map<string, ListedFile>> {
  const url = `${options.endpoint ?? 'https://huggingface.co'}/api/models/${repo}/tree/main?recursive=true`;
  const response = await hubRequest(url, options);
  return parseHubListing(await readListingText(response), url);
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
