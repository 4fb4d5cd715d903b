import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type LocalServer, startLocalServer } from './local-server.js';

/** One file of a fake hub repository: its content, and whether the hub lists it as a Git LFS file. */
export interface FakeHubFile {
  readonly body: Uint8Array;
  readonly lfs: boolean;
}

/** A download the fake hub is about to answer; its status line and headers are already written. */
export interface FakeHubDownload {
  /** `owner/name`. */
  readonly repo: string;
  /** The file's path in the repository. */
  readonly path: string;
  readonly file: FakeHubFile;
  /** The first byte asked for: a Range request's start, else 0. */
  readonly start: number;
  /** What the hub would send: the file from `start`. */
  readonly slice: Uint8Array;
  readonly response: ServerResponse;
}

/** Options of {@link startFakeModelHub}. */
export interface FakeModelHubOptions {
  /** The files of each repository, by `owner/name`, then by path. */
  readonly repos: Readonly<Record<string, Readonly<Record<string, FakeHubFile>>>>;
  /**
   * Called before a file is sent: returns true when it answered the response itself (sent other bytes,
   * broke the connection off, or left it stalled), false to let the hub send `slice`.
   */
  readonly intercept?: (download: FakeHubDownload) => boolean;
}

/** A running fake hub: its endpoint, and each request's path and Range header, in order. */
export interface FakeModelHub extends LocalServer {
  readonly requests: string[];
}

/** `length` bytes of a fixed pattern that differs by `seed`: file content for a fake hub. */
export function patternBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

/** The tree listing the Hugging Face API gives for a repository: git blob ids, LFS sha256 and sizes. */
function treeListing(files: Readonly<Record<string, FakeHubFile>>): object[] {
  return Object.entries(files).map(([path, { body, lfs }]) => ({
    type: 'file',
    path,
    size: lfs ? 134 : body.length,
    oid: createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex'),
    ...(lfs ? { lfs: { oid: createHash('sha256').update(body).digest('hex'), size: body.length } } : {}),
  }));
}

/**
 * Starts a stand-in for the Hugging Face hub on 127.0.0.1: the same URL layout (`/api/models/<repo>/tree/main`,
 * `/<repo>/resolve/main/<path>`), listing format and Range support, serving the given files.
 */
export async function startFakeModelHub(options: FakeModelHubOptions): Promise<FakeModelHub> {
  const requests: string[] = [];
  const server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${url.pathname} ${req.headers.range ?? ''}`);
    const tree = /^\/api\/models\/(.+)\/tree\/main$/.exec(url.pathname);
    if (tree) {
      const listing = treeListing(options.repos[tree[1]!] ?? {});
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listing));
      return;
    }
    const resolve = /^\/(.+?\/.+?)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const [repo, path] = resolve ? [resolve[1]!, resolve[2]!] : ['', ''];
    const file = options.repos[repo]?.[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const slice = file.body.subarray(start);
    const total = file.body.length;
    const range = start > 0 ? { 'content-range': `bytes ${start}-${total - 1}/${total}` } : {};
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': slice.length, ...range });
    if (options.intercept?.({ repo, path, file, start, slice, response: res })) return;
    res.end(slice);
  });
  return { ...server, requests };
}
