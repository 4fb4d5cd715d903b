import { ModelLoadError, throwIfAborted } from './errors.js';

/** Options for reading one file from a {@link ModelSourceV1}. */
export interface ReadOptions {
  readonly signal?: AbortSignal;
  /** Called as bytes arrive; `total` is 0 when unknown. */
  readonly onProgress?: (loaded: number, total: number) => void;
}

/** Where a bundle's files come from: a folder, a web server, or memory. */
export interface ModelSourceV1 {
  readonly specificationVersion: 'v1';
  /** Where the files are, for messages (a path or URL). */
  readonly location: string;
  /** Reads one file of the bundle by its path inside the bundle. */
  read(path: string, options?: ReadOptions): Promise<Uint8Array>;
}

/** A source serving files held in memory, keyed by path. */
export function createMemorySource(
  files: Readonly<Record<string, Uint8Array>>,
  location = 'memory',
): ModelSourceV1 {
  return {
    specificationVersion: 'v1',
    location,
    async read(path, options) {
      throwIfAborted(options?.signal);
      const bytes = files[path];
      if (!bytes) throw new ModelLoadError(`${location}/${path}`, 'no such file in the bundle');
      options?.onProgress?.(bytes.length, bytes.length);
      return bytes;
    },
  };
}

/** Options of {@link createUrlSource}. */
export interface UrlSourceOptions {
  /** The fetch to use. Default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Extra request headers (for example authorisation). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A source that fetches files relative to a base URL. Nothing is fetched until a file is read, and only
 * from the URL the caller gave.
 */
export function createUrlSource(baseUrl: string | URL, options: UrlSourceOptions = {}): ModelSourceV1 {
  const base = new URL(String(baseUrl).endsWith('/') ? String(baseUrl) : `${baseUrl}/`);
  return {
    specificationVersion: 'v1',
    location: base.href,
    async read(path, readOptions = {}) {
      const url = new URL(path, base).href;
      let response: Response;
      try {
        response = await (options.fetch ?? globalThis.fetch)(url, {
          signal: readOptions.signal,
          headers: options.headers,
        });
      } catch (error) {
        throwIfAborted(readOptions.signal);
        throw new ModelLoadError(url, `the request failed (${(error as Error).message})`, { cause: error });
      }
      if (!response.ok)
        throw new ModelLoadError(url, `the server answered ${response.status} ${response.statusText}`);
      return readBody(url, response, readOptions);
    },
  };
}

async function readBody(url: string, response: Response, options: ReadOptions): Promise<Uint8Array> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    options.onProgress?.(bytes.length, total);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      options.onProgress?.(loaded, total);
    }
  } catch (error) {
    throwIfAborted(options.signal);
    throw new ModelLoadError(url, `the download broke off after ${loaded} bytes`, { cause: error });
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
