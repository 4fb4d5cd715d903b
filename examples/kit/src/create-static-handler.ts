import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** One folder served under a URL prefix. */
export interface StaticRoute {
  /** URL path prefix, with leading and trailing slash: `/models/fixture/`. */
  readonly prefix: string;
  /** Folder on disk the prefix maps to. */
  readonly directory: string;
}

/**
 * Cross-origin isolation: without these two headers `SharedArrayBuffer` is off, and onnxruntime-web
 * falls back to a single WASM thread.
 */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.wav': 'audio/wav',
  '.svg': 'image/svg+xml',
};

/** The file a URL path names under a route, or undefined when it would leave the route's folder. */
function fileFor(route: StaticRoute, pathname: string): string | undefined {
  const relative = normalize(decodeURIComponent(pathname.slice(route.prefix.length)));
  if (relative.startsWith('..') || relative.includes(`${sep}..`)) return undefined;
  return join(route.directory, relative === '.' ? '' : relative);
}

/**
 * A request handler serving files from folders (`index.html` for folder URLs) with cross-origin isolation
 * headers. It suits a Vite middleware (`next` is called for URLs outside every route) and a bare
 * `node:http` server (answers 404). GET and HEAD only; no range requests, no caching.
 */
export function createStaticHandler(routes: readonly StaticRoute[]) {
  return async (request: IncomingMessage, response: ServerResponse, next?: () => void): Promise<void> => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((candidate) => pathname.startsWith(candidate.prefix));
    const notFound = () => {
      if (next) return next();
      response.writeHead(404, { 'Content-Type': 'text/plain', ...isolationHeaders }).end('not found');
    };
    let file = route ? fileFor(route, pathname) : undefined;
    if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
    let info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => undefined);
    }
    if (!info?.isFile()) return notFound();
    response.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-store',
      // Under require-corp every subresource must allow being embedded; ours are same-origin.
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...isolationHeaders,
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file).pipe(response);
  };
}
