import type { BackendV1, SessionOptions, SessionV1 } from './backend.js';
import type { Device } from './device.js';
import { IntegrityError, ManifestError, ModelLoadError } from './errors.js';
import type { EventListener } from './events.js';
import { sha256Hex } from './hash.js';
import {
  checkSessionNames,
  checkSessionSpecs,
  componentFile,
  type ModelFile,
  type ModelManifest,
  validateManifest,
} from './manifest.js';
import type { ModelSourceV1 } from './model-source.js';
import type { ModelStore } from './model-store.js';

/** Options of {@link openModelBundle}. */
export interface OpenModelBundleOptions {
  /** Cache for files read from the source, keyed by sha256. Default: none. */
  readonly store?: ModelStore;
  /** Receives `model-file` events. */
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
}

/** Options of {@link ModelBundle.createSession}: the session's, and which form of the component. */
export interface BundleSessionOptions extends SessionOptions {
  /** One of the component's `variants`, by name. Default `official`, the component's own file. */
  readonly variant?: string;
}

/** A model bundle whose manifest has been read and checked. */
export interface ModelBundle {
  readonly manifest: ModelManifest;
  readonly source: ModelSourceV1;
  /** True when the bundle declares the component. */
  has(component: string): boolean;
  /** Reads a file of the bundle and checks its sha256. */
  readFile(file: ModelFile, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Loads a component on a backend: resolves the device, picks the device's file (or the variant's),
   * checks it, creates the session and checks the session's input and output names against the manifest.
   */
  createSession(backend: BackendV1, component: string, options?: BundleSessionOptions): Promise<SessionV1>;
}

/** Reads and validates `manifest.json` from a source. */
export async function openModelBundle(
  source: ModelSourceV1,
  options: OpenModelBundleOptions = {},
): Promise<ModelBundle> {
  const manifestBytes = await source.read('manifest.json', { signal: options.signal });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (error) {
    throw new ModelLoadError(`${source.location} manifest.json`, 'it is not valid JSON', { cause: error });
  }
  const manifest = validateManifest(json);

  const readFile = async (file: ModelFile, signal = options.signal): Promise<Uint8Array> => {
    const cached = await options.store?.get(file.sha256);
    if (cached) {
      options.onEvent?.({
        type: 'model-file',
        status: 'cached',
        file: file.path,
        loaded: cached.length,
        total: file.bytes,
      });
      return cached;
    }
    options.onEvent?.({ type: 'model-file', status: 'start', file: file.path, loaded: 0, total: file.bytes });
    const bytes = await source.read(file.path, {
      signal,
      onProgress: (loaded) =>
        options.onEvent?.({
          type: 'model-file',
          status: 'progress',
          file: file.path,
          loaded,
          total: file.bytes,
        }),
    });
    if (bytes.length !== file.bytes) {
      throw new ModelLoadError(
        `${source.location} ${file.path}`,
        `it has ${bytes.length} bytes, the manifest says ${file.bytes} (truncated or replaced; convert or fetch it again)`,
      );
    }
    const actual = await sha256Hex(bytes);
    if (actual !== file.sha256) throw new IntegrityError(file.path, file.sha256, actual);
    await options.store?.put(file.sha256, bytes);
    options.onEvent?.({
      type: 'model-file',
      status: 'end',
      file: file.path,
      loaded: bytes.length,
      total: file.bytes,
    });
    return bytes;
  };

  return {
    manifest,
    source,
    has: (component) => component in manifest.components,
    readFile,
    async createSession(backend, name, sessionOptions = {}) {
      const component = manifest.components[name];
      if (!component) {
        throw new ManifestError(
          `components.${name}`,
          `the bundle '${manifest.name}' has no such component (it has ${Object.keys(manifest.components).join(', ')})`,
        );
      }
      const device: Device = await backend.resolveDevice(
        sessionOptions.device ?? 'auto',
        sessionOptions.onEvent,
      );
      const { variant, ...backendOptions } = sessionOptions;
      const bytes = await readFile(componentFile(component, device, variant, name));
      const session = await backend.createSession(bytes, { ...backendOptions, device, name });
      try {
        checkSessionNames(name, component, session);
        checkSessionSpecs(name, component, session);
      } catch (error) {
        await session.dispose();
        throw error;
      }
      return session;
    },
  };
}
