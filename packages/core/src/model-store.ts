/**
 * A content-addressed cache for model files. Keys are the files' sha256, so versions never overwrite each other.
 * Implementations: {@link createMemoryStore}, {@link createCacheApiStore} (browsers) and `createFileStore`
 * from `@joyvasa/core/node`.
 */
export interface ModelStore {
  get(sha256: string): Promise<Uint8Array | undefined>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  delete(sha256: string): Promise<void>;
}

/** A store that keeps files in memory for the life of the object. */
export function createMemoryStore(): ModelStore {
  const files = new Map<string, Uint8Array>();
  return {
    async get(sha256) {
      return files.get(sha256);
    },
    async put(sha256, bytes) {
      files.set(sha256, bytes);
    },
    async delete(sha256) {
      files.delete(sha256);
    },
  };
}

/** Options of {@link createCacheApiStore}. */
export interface CacheApiStoreOptions {
  /** Name of the Cache Storage bucket. Default `joyvasa-models`. */
  readonly cacheName?: string;
  /** Cache Storage to use. Default `globalThis.caches`. */
  readonly caches?: CacheStorage;
}

/**
 * A store on the browser's Cache API. When Cache Storage cannot be opened (some private windows, iframes),
 * it behaves as an empty store that keeps nothing, rather than failing the whole load.
 */
export function createCacheApiStore(options: CacheApiStoreOptions = {}): ModelStore {
  const cacheName = options.cacheName ?? 'joyvasa-models';
  let opened: Promise<Cache | undefined> | undefined;
  const open = () => {
    opened ??= (async () => {
      try {
        return await (options.caches ?? globalThis.caches).open(cacheName);
      } catch {
        return undefined;
      }
    })();
    return opened;
  };
  const keyOf = (sha256: string) => `https://joyvasa.invalid/sha256/${sha256}`;
  return {
    async get(sha256) {
      const response = await (await open())?.match(keyOf(sha256));
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(sha256, bytes) {
      await (await open())?.put(keyOf(sha256), new Response(bytes as Uint8Array<ArrayBuffer>));
    },
    async delete(sha256) {
      await (await open())?.delete(keyOf(sha256));
    },
  };
}
