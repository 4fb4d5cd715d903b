import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrityError, ModelLoadError } from '@joyvasa/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialWeights } from './fetch-official-weights.js';

// A stand-in for the hub: the same URL layout, listing format and Range support, serving generated files.
const repoFiles: Record<string, Record<string, { body: Uint8Array; lfs: boolean }>> = {
  'jdh-algo/JoyVASA': {
    'motion_generator/motion_generator_hubert_chinese.pt': { body: bytes(300_000, 1), lfs: true },
    'motion_template/motion_template.pkl': { body: bytes(3_140, 2), lfs: false },
    'README.md': { body: bytes(10, 3), lfs: false },
  },
};

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7) & 0xff);
}

const behaviour = { cutFirstDownloadAt: 0, corrupt: '' };
let server: Server;
let endpoint: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${url.pathname} ${req.headers.range ?? ''}`);
    const tree = /^\/api\/models\/(.+)\/tree\/main$/.exec(url.pathname);
    if (tree) {
      const files = repoFiles[tree[1]!] ?? {};
      const listing = Object.entries(files).map(([path, { body, lfs }]) => ({
        type: 'file',
        path,
        size: lfs ? 134 : body.length,
        oid: createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex'),
        ...(lfs ? { lfs: { oid: createHash('sha256').update(body).digest('hex'), size: body.length } } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listing));
      return;
    }
    const resolve = /^\/(.+?\/.+?)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const file = resolve ? repoFiles[resolve[1]!]?.[resolve[2]!] : undefined;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    let body = file.body;
    if (behaviour.corrupt === resolve![2]) body = bytes(body.length, 99);
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const slice = body.subarray(start);
    const range = start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {};
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': slice.length, ...range });
    if (behaviour.cutFirstDownloadAt > 0 && start === 0 && body.length > behaviour.cutFirstDownloadAt) {
      res.write(slice.subarray(0, behaviour.cutFirstDownloadAt), () => res.destroy());
      behaviour.cutFirstDownloadAt = 0;
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const folders: string[] = [];
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
  behaviour.cutFirstDownloadAt = 0;
  behaviour.corrupt = '';
  requests.length = 0;
});
async function target() {
  const dir = await mkdtemp(join(tmpdir(), 'joyvasa-fetch-'));
  folders.push(dir);
  return dir;
}

describe('fetchOfficialWeights', () => {
  it('downloads into the official layout, verified, and keeps verified files on a second run', async () => {
    const to = await target();
    const first = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] });
    expect(first.map((f) => f.status)).toEqual(['downloaded', 'downloaded']);
    const pt = await readFile(join(to, 'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt'));
    // Buffer#equals, not toEqual: a deep compare of 300,000 elements blocks the loop past the server's keep-alive.
    const body = repoFiles['jdh-algo/JoyVASA']!['motion_generator/motion_generator_hubert_chinese.pt']!.body;
    expect(pt.equals(body)).toBe(true);
    const second = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] });
    expect(second.map((f) => f.status)).toEqual(['present', 'present']);
  });

  it('resumes a download that broke off, with a Range request', async () => {
    const to = await target();
    behaviour.cutFirstDownloadAt = 100_000;
    await expect(fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] })).rejects.toThrow(
      /run fetch again to resume/,
    );
    const resumed = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] });
    expect(resumed[0]!.status).toBe('resumed');
    expect(requests.some((r) => /bytes=\d+-/.test(r))).toBe(true);
  });

  it('rejects content that does not match the listing and leaves no file behind', async () => {
    const to = await target();
    behaviour.corrupt = 'motion_template/motion_template.pkl';
    const error = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] }).catch((e: unknown) => e);
    expect(IntegrityError.isInstance(error)).toBe(true);
    await expect(readFile(join(to, 'JoyVASA/motion_template/motion_template.pkl'))).rejects.toThrow();
  });

  it('names an unreachable hub and a missing repository', async () => {
    const to = await target();
    const missing = await fetchOfficialWeights({ to, endpoint, groups: ['wav2vec2'] }).catch(
      (e: unknown) => e,
    );
    expect(ModelLoadError.isInstance(missing)).toBe(true);
    await writeFile(join(to, 'x'), '');
    const offline = await fetchOfficialWeights({
      to,
      endpoint: 'http://127.0.0.1:9',
      groups: ['joyvasa'],
    }).catch((e: unknown) => e);
    expect((offline as Error).message).toMatch(/check your connection/);
  });
});
