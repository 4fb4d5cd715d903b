import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendV1, SessionV1 } from './backend.js';
import { IntegrityError, ManifestError, ModelLoadError } from './errors.js';
import type { JoyvasaEvent } from './events.js';
import { sha256Hex } from './hash.js';
import { openModelBundle } from './model-bundle.js';
import { createMemorySource, createUrlSource } from './model-source.js';
import { createMemoryStore } from './model-store.js';

const model = new TextEncoder().encode('not really onnx, the fake backend does not care');

async function bundleFiles(content = model): Promise<Record<string, Uint8Array>> {
  const manifest = {
    manifestVersion: 1,
    name: 'fake',
    version: '0.0.1',
    provenance: 'fixture',
    components: {
      mlp: {
        file: { path: 'mlp.onnx', sha256: await sha256Hex(model), bytes: model.length },
        inputs: { input: { type: 'float32', dims: ['batch', 3] } },
        outputs: { output: { type: 'float32', dims: ['batch', 2] } },
      },
    },
  };
  return { 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)), 'mlp.onnx': content };
}

function fakeBackend(
  inputNames = ['input'],
  specs: Pick<SessionV1, 'inputSpecs' | 'outputSpecs'> = {},
): BackendV1 & { created: Uint8Array[] } {
  const created: Uint8Array[] = [];
  return {
    specificationVersion: 'v1',
    name: 'fake',
    created,
    supportedDevices: async () => ['cpu'],
    resolveDevice: async () => 'cpu',
    async createSession(bytes) {
      created.push(bytes);
      const session: SessionV1 = {
        specificationVersion: 'v1',
        device: 'cpu',
        inputNames,
        outputNames: ['output'],
        ...specs,
        run: async () => ({}),
        dispose: async () => undefined,
      };
      return session;
    },
  };
}

describe('openModelBundle', () => {
  it('loads a component, verifying its hash and the session names', async () => {
    const events: JoyvasaEvent[] = [];
    const bundle = await openModelBundle(createMemorySource(await bundleFiles()), {
      onEvent: (e) => events.push(e),
    });
    const backend = fakeBackend();
    await bundle.createSession(backend, 'mlp');
    expect(backend.created[0]).toEqual(model);
    expect(events.map((e) => (e.type === 'model-file' ? e.status : e.type))).toContain('end');
  });

  it('rejects a replaced file with IntegrityError and a truncated one with ModelLoadError', async () => {
    const tampered = new Uint8Array(model);
    tampered[0] = 0;
    const bundle = await openModelBundle(createMemorySource(await bundleFiles(tampered)));
    await expect(bundle.createSession(fakeBackend(), 'mlp')).rejects.toSatisfy(IntegrityError.isInstance);
    const short = await openModelBundle(createMemorySource(await bundleFiles(model.slice(0, 5))));
    await expect(short.createSession(fakeBackend(), 'mlp')).rejects.toThrow(/truncated or replaced/);
  });

  it('rejects a session whose names do not match, and unknown components', async () => {
    const bundle = await openModelBundle(createMemorySource(await bundleFiles()));
    await expect(bundle.createSession(fakeBackend(['x']), 'mlp')).rejects.toSatisfy(ManifestError.isInstance);
    await expect(bundle.createSession(fakeBackend(), 'nope')).rejects.toThrow(
      /has no such component \(it has mlp\)/,
    );
  });

  it('rejects a session whose dims do not match the manifest, and disposes it', async () => {
    const bundle = await openModelBundle(createMemorySource(await bundleFiles()));
    const output = { output: { type: 'float32', dims: [null, 2] } } as const;
    const fits = fakeBackend(['input'], {
      inputSpecs: { input: { type: 'float32', dims: ['n', 3] } },
      outputSpecs: output,
    });
    await expect(bundle.createSession(fits, 'mlp')).resolves.toBeDefined();
    const wrong = fakeBackend(['input'], {
      inputSpecs: { input: { type: 'float32', dims: [1, 3, 128, 128] } },
      outputSpecs: output,
    });
    await expect(bundle.createSession(wrong, 'mlp')).rejects.toThrow(
      'Model manifest, components.mlp.inputs.input: the model has dims [1, 3, 128, 128], the manifest declares [batch, 3]',
    );
  });

  it('serves cached files from the store without reading the source again', async () => {
    const files = await bundleFiles();
    let reads = 0;
    const source = createMemorySource(files);
    const counting = {
      ...source,
      read: (path: string) => {
        reads++;
        return source.read(path);
      },
    };
    const store = createMemoryStore();
    await (await openModelBundle(counting, { store })).createSession(fakeBackend(), 'mlp');
    const readsAfterFirst = reads;
    await (await openModelBundle(counting, { store })).createSession(fakeBackend(), 'mlp');
    expect(reads - readsAfterFirst).toBe(1);
  });

  it('rejects a manifest that is not JSON', async () => {
    const files = { 'manifest.json': new TextEncoder().encode('{oops') };
    await expect(openModelBundle(createMemorySource(files))).rejects.toSatisfy(ModelLoadError.isInstance);
  });
});

describe('createUrlSource against a local server', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const files = await bundleFiles();
    server = createServer((request, response) => {
      const body = files[(request.url ?? '').replace('/models/', '')];
      if (!body) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the bundle with progress', async () => {
    const progress: number[] = [];
    const source = createUrlSource(baseUrl);
    const bundle = await openModelBundle(source, {
      onEvent: (e) => e.type === 'model-file' && e.status === 'progress' && progress.push(e.loaded),
    });
    await bundle.createSession(fakeBackend(), 'mlp');
    expect(progress.at(-1)).toBe(model.length);
  });

  it('reports HTTP errors as ModelLoadError with the status', async () => {
    await expect(createUrlSource(baseUrl).read('missing.onnx')).rejects.toThrow(/answered 404/);
  });
});
