import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { writeFormulaCheckpoints } from '@joyvasa/model-builder/synthetic/node';
import { encodePng } from '@joyvasa/pipeline/node';
import { type LocalServer, startLocalServer, startTrickleServer } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopSignals } from './cli-args.js';

// The CLI as a user runs it, in its own process, stopped by a real signal: SIGINT, SIGTERM or SIGHUP must
// each leave exit code 130, no file that looks like a result, and no child process.
const repoRoot = new URL('../../../', import.meta.url).pathname;
const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

let root: string;
let server: LocalServer;
let endpoint: string;

/** Polls `test` every 100 ms for at most `seconds`; fails naming `what` if it never holds. */
async function waitFor(test: () => boolean, what: string, seconds = 240): Promise<void> {
  for (let waited = 0; !test(); waited += 0.1) {
    if (waited > seconds) throw new Error(`gave up waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Command lines of running processes that mention `text` (their arguments name our temp folders). */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid)
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    })
    .filter((line) => line.includes(text) && !line.includes('vitest'));
}

/** Starts the CLI; with `fileSizeLimitKb`, under `ulimit -f`, which makes writes past it fail as a full disk does. */
function startCli(
  args: string[],
  fileSizeLimitKb?: number,
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    '--conditions=@joyvasa/source',
    'packages/cli/src/bin.ts',
  ];
  const [command, ...rest] =
    fileSizeLimitKb === undefined
      ? [...node, ...args]
      : ['bash', '-c', 'ulimit -f "$1"; shift; exec "$@"', 'bash', String(fileSizeLimitKb), ...node, ...args];
  const child = spawn(command!, rest, {
    cwd: repoRoot,
    env: { ...process.env, XDG_CACHE_HOME: join(root, 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-signals-'));
  const [width, height] = [160, 120];
  const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7919 + (i >> 5) * 13) % 251);
  await writeFile(join(root, 'face.png'), await encodePng({ width, height, channels: 3, data: pixels }));
  // Long enough that rendering is still under way when the signal comes.
  const pcm = Float32Array.from(
    { length: 16000 * 60 },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 200 * i) / 16000),
  );
  await writeFile(join(root, 'speech.wav'), encodeWav(pcm, 16000));
  await writeFormulaCheckpoints(join(root, 'weights'), { sizes: 'fixture' });
  // A hub whose checkpoint download sends a first part and then stalls, so fetch is mid-download.
  server = await startLocalServer((req, res) => {
    if (req.url!.includes('/api/models/')) {
      const size = 1 << 20;
      const file = { type: 'file', size, oid: '0'.repeat(40), lfs: { oid: '0'.repeat(64), size } };
      const files = [
        'motion_generator/motion_generator_hubert_chinese.pt',
        'motion_template/motion_template.pkl',
      ];
      res.writeHead(200).end(JSON.stringify(files.map((path) => ({ ...file, path }))));
      return;
    }
    if (req.url!.startsWith('/whole/'))
      res.writeHead(200, { 'content-length': 1 << 20 }).end(new Uint8Array(1 << 20));
    else res.writeHead(200, { 'content-length': 1 << 20 }).write(new Uint8Array(4096));
  });
  endpoint = server.endpoint;
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!haveFfmpeg)('a signal during joyvasa animate', () => {
  it.each(stopSignals)('%s: exit 130, no video or temporary file, no ffmpeg left', async (signal) => {
    const folder = join(root, `animate-${signal}`);
    await mkdir(folder);
    const run = startCli([
      'animate',
      ...['--image', join(root, 'face.png'), '--audio', join(root, 'speech.wav')],
      ...['--models', 'fixture', '--device', 'cpu', '--out', join(folder, 'talking.mp4')],
    ]);
    // ffmpeg's arguments name the temporary file; the CLI's own name only talking.mp4.
    const partial = join(folder, '.talking.');
    await waitFor(
      () => processesMentioning(partial).length > 0,
      `ffmpeg writing into ${folder}\n${run.output()}`,
    );
    run.child.kill(signal);
    expect(await run.exited, run.output()).toBe(130);
    expect(run.output()).toMatch(/interrupted: stopped; no video was written/);
    expect(await readdir(folder)).toEqual([]);
    expect(processesMentioning(partial)).toEqual([]);
  });
});

describe('a signal during joyvasa convert', () => {
  it.each(stopSignals)(
    '%s: exit 130 and no manifest.json, so the bundle never passes for complete',
    async (signal) => {
      const to = join(root, `bundle-${signal}`);
      const run = startCli(['convert', '--from', join(root, 'weights'), '--to', to, '--sizes', 'fixture']);
      await waitFor(() => /wrote /.test(run.output()), `a first component\n${run.output()}`);
      run.child.kill(signal);
      expect(await run.exited, run.output()).toBe(130);
      expect(run.output()).toMatch(/interrupted: the bundle in .* is incomplete \(no manifest\.json\)/);
      expect(existsSync(join(to, 'manifest.json'))).toBe(false);
    },
  );
});

describe('a signal during joyvasa fetch', () => {
  it.each(stopSignals)('%s: exit 130, the download left as .partial only', async (signal) => {
    const to = join(root, `fetch-${signal}`);
    const target = join(to, 'JoyVASA', 'motion_generator', 'motion_generator_hubert_chinese.pt');
    const run = startCli(['fetch', '--to', to, '--include', 'joyvasa', '--endpoint', endpoint]);
    await waitFor(() => existsSync(`${target}.partial`), `the download to start\n${run.output()}`);
    run.child.kill(signal);
    expect(await run.exited, run.output()).toBe(130);
    expect(existsSync(target)).toBe(false);
    expect(processesMentioning(to)).toEqual([]);
  });
});

// It used to print the timeout at 5.9 s and still be running at 120 s: the request was never cancelled.
describe('a fetch that times out against a server sending headers a byte at a time', () => {
  it.each([
    ['--idle-timeout', /the server sent nothing for 0.5 s \(idleTimeoutMs\)/],
    ['--timeout', /no complete answer within 0.5 s \(timeoutMs\)/],
  ])('%s: exits 1 with the reason, its socket released', async (flag, message) => {
    const trickle = await startTrickleServer(100);
    const to = join(root, `fetch-trickle${flag}`);
    const run = startCli(['fetch', '--to', to, '--endpoint', trickle.endpoint, flag, '0.5']);
    try {
      await waitFor(() => run.child.exitCode !== null, `fetch to exit\n${run.output()}`, 30);
      expect(await run.exited, run.output()).toBe(1);
      expect(run.output()).toMatch(message);
      await waitFor(() => trickle.sockets.size === 0, 'the socket to close', 5);
    } finally {
      run.child.kill('SIGKILL');
      await trickle.close();
    }
  });
});

describe('a full disk (a file-size limit)', () => {
  it('during convert: one typed line, exit 1, no partial file and no manifest.json', async () => {
    const to = join(root, 'bundle-full');
    const run = startCli(['convert', '--from', join(root, 'weights'), '--to', to, '--sizes', 'fixture'], 64);
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toMatch(
      /^error: Cannot write .*\.onnx: the file exceeds the file-size limit \(ulimit -f\) \(EFBIG\); the partial file was removed/m,
    );
    expect(run.output()).not.toMatch(/^\s+at /m);
    const left = await readdir(to);
    expect(left.filter((name) => name.endsWith('.partial') || name === 'manifest.json')).toEqual([]);
  });

  it('during fetch: one typed line, exit 1, and the partial download removed', async () => {
    const to = join(root, 'fetch-full');
    const target = join(to, 'JoyVASA', 'motion_generator', 'motion_generator_hubert_chinese.pt');
    const run = startCli(
      ['fetch', '--to', to, '--include', 'joyvasa', '--endpoint', `${endpoint}/whole`],
      256,
    );
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toMatch(
      /^error: Cannot write .*\.pt\.partial: the file exceeds the file-size limit/m,
    );
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});
