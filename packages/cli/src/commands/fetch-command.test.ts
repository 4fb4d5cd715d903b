import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeModelHub, patternBytes, startFakeModelHub } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { fetchCommand } from './fetch-command.js';

// The hub's files: a checkpoint stored in LFS and a small plain file.
const files = {
  'motion_generator/motion_generator_hubert_chinese.pt': { body: patternBytes(400_000, 1), lfs: true },
  'motion_template/motion_template.pkl': { body: patternBytes(3_140, 2), lfs: false },
};
const checkpoint = 'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt';

/** When set, the next full download of the checkpoint sends half the file, then calls this (and stalls). */
let onHalfSent: (() => void) | undefined;
let server: FakeModelHub;
let endpoint: string;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-fetch-'));
  server = await startFakeModelHub({
    repos: { 'jdh-algo/JoyVASA': files },
    intercept: ({ file, start, slice, response }) => {
      const interrupt = onHalfSent;
      if (!interrupt || start !== 0 || !file.lfs) return false;
      onHalfSent = undefined;
      response.write(slice.subarray(0, slice.length >> 1), interrupt);
      return true;
    },
  });
  endpoint = server.endpoint;
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[], options: { tty?: boolean; signal?: AbortSignal } = {}) {
  const output = captureOutput(options.tty ?? false);
  const code = await fetchCommand(args, { output, ...(options.signal ? { signal: options.signal } : {}) });
  return { code, text: output.text(), statuses: output.statuses };
}

describe('joyvasa fetch', () => {
  it('prints a line per file, then keeps verified files on the next run', async () => {
    const to = join(root, 'plain');
    const first = await run(['--to', to, '--include', 'joyvasa', '--endpoint', endpoint]);
    expect(first.code).toBe(0);
    expect(first.text).toMatch(
      /^fetched motion_generator\/motion_generator_hubert_chinese\.pt {2}400\.0 kB in /m,
    );
    expect(first.text).toMatch(/^fetched motion_template\/motion_template\.pkl {2}3\.1 kB in /m);
    expect(first.text).toContain('2 files, 403.1 kB: 2 downloaded, 0 resumed, 0 already there (verified)');
    expect(first.statuses).toEqual([]);
    const second = await run(['--to', to, '--include', 'joyvasa', '--endpoint', endpoint]);
    expect(second.code).toBe(0);
    expect(second.text).toContain('0 downloaded, 0 resumed, 2 already there (verified)');
  });

  it('draws a progress bar per file on a terminal', async () => {
    const { code, statuses } = await run(
      ['--to', join(root, 'tty'), '--include', 'joyvasa', '--endpoint', endpoint],
      {
        tty: true,
      },
    );
    expect(code).toBe(0);
    expect(
      statuses.some((line) => /motion_generator_hubert_chinese\.pt {2}\[#*\.*\] +\d+% {2}\d/.test(line)),
    ).toBe(true);
    expect(statuses.at(-1)).toMatch(/^fetched motion_template\/motion_template\.pkl/);
  });

  it('stops cleanly when interrupted, and the next run completes the download', async () => {
    const to = join(root, 'interrupted');
    const controller = new AbortController();
    onHalfSent = () => controller.abort();
    const stopped = await run(['--to', to, '--include', 'joyvasa', '--endpoint', endpoint], {
      signal: controller.signal,
    });
    expect(stopped.code).toBe(130);
    expect(stopped.text).toMatch(/interrupted: run the same command again to resume/);
    const resumed = await run(['--to', to, '--include', 'joyvasa', '--endpoint', endpoint]);
    expect(resumed.code).toBe(0);
    // Buffer#equals, not toEqual: a deep compare of 400,000 elements blocks the loop past the server's keep-alive.
    const body = await readFile(join(to, checkpoint));
    expect(body.equals(files['motion_generator/motion_generator_hubert_chinese.pt']!.body)).toBe(true);
  });

  it('gives up on a stalled download after --idle-timeout seconds, and refuses a timeout that is no number', async () => {
    onHalfSent = () => {};
    const args = ['--to', join(root, 'stalled'), '--include', 'joyvasa', '--endpoint', endpoint];
    const stalled = await run([...args, '--idle-timeout', '0.3']);
    expect(stalled.code, stalled.text).toBe(1);
    expect(stalled.text).toMatch(/^error: .*the server sent nothing for 0.3 s \(idleTimeoutMs\)/m);
    const bad = await run([...args, '--timeout', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.text).toContain("--timeout is a number of seconds, not 'soon'");
    expect((await run(['--help'])).text).toMatch(
      /--idle-timeout <s> +give up on a file after .* \(default 60\)/,
    );
  });

  it('exits 1 when the hub cannot be reached and 2 on bad arguments', async () => {
    const offline = await run([
      '--to',
      join(root, 'offline'),
      '--include',
      'joyvasa',
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(offline.code).toBe(1);
    expect(offline.text).toMatch(/^error: .*check your connection/m);
    expect((await run(['--include', 'joyvasa'])).code).toBe(2);
    const unknown = await run(['--to', root, '--include', 'joyvasa,xpose']);
    expect(unknown.code).toBe(2);
    expect(unknown.text).toContain('unknown group xpose');
    expect((await run(['--to', root, '--endpoint', 'not a url'])).code).toBe(2);
  });
});
