import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrityError, ModelLoadError } from '@joyvasa/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// A relative import: test-utils depends on model-builder, so model-builder cannot depend on it.
import {
  type FakeModelHub,
  patternBytes,
  startFakeModelHub,
} from '../../../test-utils/src/fake-model-hub.js';
import { fetchOfficialWeights } from './fetch-official-weights.js';

const repoFiles = {
  'jdh-algo/JoyVASA': {
    'motion_generator/motion_generator_hubert_chinese.pt': { body: patternBytes(300_000, 1), lfs: true },
    'motion_template/motion_template.pkl': { body: patternBytes(3_140, 2), lfs: false },
    'README.md': { body: patternBytes(10, 3), lfs: false },
  },
};

const behaviour = { cutFirstDownloadAt: 0, corrupt: '' };
let server: FakeModelHub;
let endpoint: string;
let requests: string[];

beforeAll(async () => {
  server = await startFakeModelHub({
    repos: repoFiles,
    intercept: ({ path, start, slice, response }) => {
      if (behaviour.corrupt === path) {
        response.end(patternBytes(slice.length, 99));
        return true;
      }
      const cut = behaviour.cutFirstDownloadAt;
      if (cut === 0 || start !== 0 || slice.length <= cut) return false;
      behaviour.cutFirstDownloadAt = 0;
      response.write(slice.subarray(0, cut), () => response.destroy());
      return true;
    },
  });
  endpoint = server.endpoint;
  requests = server.requests;
});
afterAll(() => server.close());

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
