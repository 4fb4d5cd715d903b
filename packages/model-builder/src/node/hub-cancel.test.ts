import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A relative import: test-utils depends on model-builder, so model-builder cannot depend on it.
import { startTrickleServer, type TrickleServer } from '../../../test-utils/src/local-server.js';
import { fetchOfficialWeights } from './fetch-official-weights.js';
import { hubRequest } from './hub-request.js';

// A server on 127.0.0.1 that sends an HTTP answer's headers one byte every 50 ms, and never finishes.
let trickle: TrickleServer;
let endpoint: string;
beforeAll(async () => {
  trickle = await startTrickleServer();
  endpoint = trickle.endpoint;
});
afterAll(() => trickle.close());
/** True once the server has seen every connection closed (polled for at most two seconds). */
async function released(): Promise<boolean> {
  for (let i = 0; i < 40 && trickle.sockets.size > 0; i++) await new Promise((done) => setTimeout(done, 50));
  return trickle.sockets.size === 0;
}

// Timeouts used to reject the promise while the request went on: the socket stayed open until the server
// closed it, and `joyvasa fetch` did not exit.
describe('hub requests that time out', () => {
  it('abort the request and release the socket on the idle timeout, while headers trickle', async () => {
    const error = await hubRequest(`${endpoint}/file`, { idleTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/sent nothing for 0.3 s \(idleTimeoutMs\)/);
    expect(await released()).toBe(true);
  });

  it('abort the request and release the socket on the overall timeout', async () => {
    const error = await hubRequest(`${endpoint}/file`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/no complete answer within 0.3 s \(timeoutMs\)/);
    expect(await released()).toBe(true);
  });

  it('release the socket of the listing request of fetchOfficialWeights', async () => {
    const to = await mkdtemp(join(tmpdir(), 'joyvasa-cancel-'));
    try {
      const error = await fetchOfficialWeights({
        to,
        endpoint,
        groups: ['joyvasa'],
        idleTimeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(ModelLoadError.isInstance(error), String(error)).toBe(true);
      expect(await released()).toBe(true);
    } finally {
      await rm(to, { recursive: true, force: true });
    }
  });
});

describe('hub redirects', () => {
  it('refuse another scheme and name the redirect target when it fails', async () => {
    const local = createHttpServer((req, res) => {
      if (req.url === '/file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else res.writeHead(302, { location: 'http://127.0.0.1:1/gone' }).end();
    });
    await new Promise<void>((done) => local.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    try {
      const toFile = await hubRequest(`${base}/file`, {}).catch((e: unknown) => e);
      expect(ModelLoadError.isInstance(toFile), String(toFile)).toBe(true);
      expect(String(toFile)).toMatch(/redirects from .*\/file to file:\/\/\/etc\/passwd, another scheme/);
      const toClosedPort = await hubRequest(`${base}/other`, {}).catch((e: unknown) => e);
      expect(String(toClosedPort)).toMatch(
        /failed at http:\/\/127\.0\.0\.1:1\/gone, where .*\/other redirects/,
      );
    } finally {
      local.closeAllConnections();
      await new Promise<void>((done) => local.close(() => done()));
    }
  });
});
