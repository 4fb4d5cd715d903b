import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IntegrityError, inputLimits, ModelLoadError } from '@joyvasa/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FetchOfficialWeightsOptions, fetchOfficialWeights } from './fetch-official-weights.js';

// Hostile stand-ins for the hub on 127.0.0.1: each test sets how the listing and the file are answered.
// The joyvasa group's two files, both answered with `body` here.
const paths = ['motion_generator/motion_generator_hubert_chinese.pt', 'motion_template/motion_template.pkl'];
const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff);
const oid = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
const listing = () =>
  JSON.stringify([
    ...paths.map((path) => ({ type: 'file', path, size: body.length, oid })),
    { type: 'directory', path: 'motion_template', size: 0, oid: '0'.repeat(40) },
  ]);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let onListing: Handler;
let onFile: Handler;
let server: Server;
let endpoint: string;
const timers = new Set<ReturnType<typeof setInterval>>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const isListing = req.url!.startsWith('/api/models/');
    (isListing ? onListing : onFile)(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

const folders: string[] = [];
afterEach(async () => {
  for (const timer of timers) clearInterval(timer);
  timers.clear();
  server.closeAllConnections();
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Sends `chunk` every `ms` until the client goes away. */
function drip(res: ServerResponse, chunk: string | Uint8Array, ms: number): void {
  const timer = setInterval(() => res.write(chunk), ms);
  timers.add(timer);
  res.on('close', () => clearInterval(timer));
}

const goodListing: Handler = (_, res) => res.writeHead(200).end(listing());
const goodFile: Handler = (_, res) => res.writeHead(200, { 'content-length': body.length }).end(body);

/** Runs a fetch of the joyvasa group and returns its error, checking that no unverified file was left. */
async function fetchError(options: Partial<FetchOfficialWeightsOptions> = {}): Promise<Error> {
  const to = await mkdtemp(join(tmpdir(), 'joyvasa-hostile-'));
  folders.push(to);
  const error = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'], ...options }).catch(
    (e: unknown) => e,
  );
  expect(ModelLoadError.isInstance(error) || IntegrityError.isInstance(error), String(error)).toBe(true);
  // Never a file under a target's own name unless it was verified.
  const left = await readdir(to, { recursive: true, withFileTypes: true });
  expect(left.filter((entry) => entry.isFile() && !entry.name.endsWith('.partial'))).toEqual([]);
  return error as Error;
}

describe('fetchOfficialWeights against hostile servers', () => {
  it('downloads from the stand-in while it behaves, which makes the refusals below meaningful', async () => {
    [onListing, onFile] = [goodListing, goodFile];
    const to = await mkdtemp(join(tmpdir(), 'joyvasa-hostile-'));
    folders.push(to);
    const fetched = await fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] });
    expect(fetched.map((file) => file.status)).toEqual(['downloaded', 'downloaded']);
  });

  it.each([
    [
      'HTML instead of JSON',
      '<html>rate limited</html>',
      'the file listing is not JSON (it starts with "<html>',
    ],
    ['a JSON object', '{"entries": 3}', 'the file listing is not a JSON array'],
    ['an entry that is no object', '[1]', 'entry 0 of the file listing is not an object'],
    ['a file without size', `[{"type":"file","path":"a","oid":"${'a'.repeat(40)}"}]`, 'has no valid size'],
    ['a bad lfs record', '[{"type":"file","path":"a","size":1,"lfs":{"oid":"x"}}]', 'malformed lfs record'],
  ])('names a listing that is %s', async (_, text, message) => {
    onListing = (__, res) => res.writeHead(200).end(text);
    expect((await fetchError()).message).toContain(message);
  });

  it('caps the listing, whether it declares its size or streams without end', async () => {
    const message = `the file listing exceeds ${inputLimits.listingMaxBytes} bytes`;
    onListing = (_, res) => res.writeHead(200, { 'content-length': 1e12 }).write('[');
    expect((await fetchError()).message).toContain(message);
    onListing = (_, res) => {
      res.writeHead(200);
      drip(res, new Uint8Array(1 << 20).fill(0x20), 1);
    };
    expect((await fetchError()).message).toContain(message);
  });

  it('refuses a Content-Length that is not the listed size', async () => {
    onListing = goodListing;
    onFile = (_, res) => res.writeHead(200, { 'content-length': 1e15 }).write(body);
    expect((await fetchError()).message).toContain(
      'Content-Length 1000000000000000 does not match the 3000 bytes the listing leaves to fetch',
    );
  });

  it('stops a body that runs past the listed size', async () => {
    onListing = goodListing;
    onFile = (_, res) => {
      res.writeHead(200);
      drip(res, body, 1);
    };
    expect((await fetchError()).message).toContain('the server sends more than the listed 3000 bytes');
  });

  it('refuses a resume whose Content-Range does not continue the partial file', async () => {
    onListing = goodListing;
    const to = await mkdtemp(join(tmpdir(), 'joyvasa-hostile-'));
    folders.push(to);
    // What an interrupted run leaves: the first 1000 bytes in <target>.partial.
    const partial = join(to, 'JoyVASA', `${paths[0]}.partial`);
    await mkdir(dirname(partial), { recursive: true });
    await writeFile(partial, body.subarray(0, 1000));
    const ranges: string[] = [];
    onFile = (req, res) => {
      ranges.push(req.headers.range ?? '');
      res
        .writeHead(206, { 'content-length': 2000, 'content-range': 'bytes 0-1999/3000' })
        .end(body.subarray(0, 2000));
    };
    await expect(fetchOfficialWeights({ to, endpoint, groups: ['joyvasa'] })).rejects.toThrow(
      "Content-Range 'bytes 0-1999/3000' does not continue the 1000 bytes already here up to the listed 3000",
    );
    expect(ranges).toEqual(['bytes=1000-']);
  });

  it('gives up on silence after the headers (idle timeout) and on a trickle (overall timeout)', async () => {
    onListing = goodListing;
    onFile = (_, res) => res.writeHead(200, { 'content-length': body.length }).flushHeaders();
    expect((await fetchError({ idleTimeoutMs: 200 })).message).toContain(
      'the server sent nothing for 0.2 s (idleTimeoutMs); run fetch again to resume',
    );
    onFile = (_, res) => {
      res.writeHead(200, { 'content-length': body.length });
      drip(res, 'x', 20);
    };
    expect((await fetchError({ idleTimeoutMs: 500, timeoutMs: 600 })).message).toContain(
      'no complete answer within 0.6 s (timeoutMs)',
    );
  });

  it('names a redirect loop instead of blaming the connection', async () => {
    onListing = (req, res) => {
      const next = req.url!.endsWith('&b') ? req.url!.slice(0, -2) : `${req.url}&b`;
      res.writeHead(302, { location: next }).end();
    };
    expect((await fetchError()).message).toMatch(
      /the server redirects in a loop .*; the mirror is misconfigured/,
    );
  });

  it('says a download that fails its checksum was removed, not to delete a cached copy', async () => {
    onListing = goodListing;
    onFile = (_, res) =>
      res.writeHead(200, { 'content-length': body.length }).end(new Uint8Array(body.length));
    const error = await fetchError();
    expect(IntegrityError.isInstance(error)).toBe(true);
    expect(error.message).toContain('The download was removed; run fetch again');
    expect(error.message).not.toContain('cached copy');
  });
});
