import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { encodePng, probeMedia } from '@joyvasa/pipeline/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { animateCommand } from './animate-command.js';

const haveFfmpeg =
  spawnSync('ffprobe', ['-version']).status === 0 && spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg && process.env.CI === 'true') throw new Error('ffmpeg and ffprobe must be installed on CI');

let root: string;
let image: string;
let audio: string;
const savedCache = process.env.XDG_CACHE_HOME;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-animate-'));
  // The fixture bundle and the default bundle folder live under the cache: keep both in the temp folder.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  const [width, height] = [160, 120];
  const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7919 + (i >> 5) * 13) % 251);
  image = join(root, 'face.png');
  await writeFile(image, await encodePng({ width, height, channels: 3, data: pixels }));
  const pcm = Float32Array.from(
    { length: 5120 },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * (150 + i / 40) * i) / 16000),
  );
  audio = join(root, 'speech.wav');
  await writeFile(audio, encodeWav(pcm, 16000));
});
afterAll(async () => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[], output = captureOutput(), signal?: AbortSignal) {
  const code = await animateCommand(args, { output, ...(signal ? { signal } : {}) });
  return { code, text: output.text() };
}

/** Width and height from a PNG's IHDR chunk. */
async function pngSize(path: string): Promise<[number, number]> {
  const bytes = await readFile(path);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

const base = () => ['--image', image, '--audio', audio, '--models', 'fixture', '--device', 'cpu'];

describe.skipIf(!haveFfmpeg)('joyvasa animate', () => {
  it('writes an mp4 with the fixture bundle, says loudly it is no face animation, and sums up', async () => {
    const out = join(root, 'video', 'talking.mp4');
    const { code, text } = await run([...base(), '--out', out, '--seed', '3', '--cfg', '2.8']);
    expect(code, text).toBe(0);
    expect(text).toMatch(/^WARNING: --models fixture has synthetic .*the output is NOT a face animation/m);
    // Once: the pipeline's own synthetic-weights notice is not printed a second time.
    expect(text.match(/WARNING/g)).toHaveLength(1);
    expect(text).toMatch(
      /^source {2}160x120, crop: detected-face \(1 found\) by insightface, square \d+ px at \(\d+, \d+\)$/m,
    );
    expect(text).toMatch(/^motion {2}\[#+\] 1\/1 windows$/m);
    expect(text).toMatch(/^frames {2}\[#{24}\] 8\/8 {2}\d+\.\d\d s\/frame$/m);
    expect(text).toContain(`Wrote ${out}`);
    expect(text).toMatch(/ {2}8 frames, 0\.32 s of video at 25 fps/);
    expect(text).toMatch(/ {2}\d+\.\d s in all, \d+\.\d{3} s per frame/);
    const { video, audio } = await probeMedia(out, { countFrames: true });
    expect([video?.codecName, video?.frameRate, video?.width, video?.height, video?.frameCount]).toEqual([
      'h264',
      25,
      160,
      120,
      8,
    ]);
    expect(audio?.codecName).toBe('aac');
  });

  it('writes PNG frames (512x512 crops with --no-paste-back) next to or instead of the video', async () => {
    const pngDir = join(root, 'frames');
    const out = join(root, 'both.mp4');
    const { code, text } = await run([...base(), '--png-dir', pngDir, '--out', out, '--no-paste-back']);
    expect(code, text).toBe(0);
    const files = (await readdir(pngDir)).sort();
    expect(files).toHaveLength(8);
    expect(files[0]).toBe('frame-00000.png');
    expect(await pngSize(join(pngDir, files[7]!))).toEqual([512, 512]);
    expect((await probeMedia(out)).video?.width).toBe(512);
    expect(text).toContain(`Wrote 8 PNG frames into ${pngDir}`);
  });

  it('stops on Ctrl-C (its signal) with exit 130 and leaves no file', async () => {
    const folder = join(root, 'interrupted');
    await mkdir(folder);
    const controller = new AbortController();
    const captured = captureOutput();
    // Interrupt as soon as the first frames are being made.
    const output: typeof captured = {
      ...captured,
      log(line) {
        captured.log(line);
        if (line.startsWith('source ')) controller.abort();
      },
    };
    const { code, text } = await run([...base(), '--out', join(folder, 'x.mp4')], output, controller.signal);
    expect(code, text).toBe(130);
    expect(text).toMatch(/^interrupted: stopped; no video was written/m);
    expect(await readdir(folder)).toEqual([]);
  });

  it('never writes over an input (even through a link) and replaces an existing --out only with -y', async () => {
    const same = join(root, 'same.mp4');
    await writeFile(same, await readFile(audio));
    const link = join(root, 'same-link.mp4');
    await symlink(same, link);
    for (const out of [same, link]) {
      const { code, text } = await run([...base(), '--audio', same, '--out', out, '--force']);
      expect(code, text).toBe(2);
      expect(text.split('\n')[0]).toContain(
        `is the same file as --audio '${same}'; writing it would destroy the input`,
      );
    }
    expect(await readFile(same)).toEqual(await readFile(audio));

    const existing = join(root, 'existing.mp4');
    await writeFile(existing, 'an older video');
    const refused = await run([...base(), '--out', existing]);
    expect(refused.code).toBe(2);
    expect(refused.text.split('\n')[0]).toBe(
      `error: --out '${existing}' exists; pass --force (-y) to replace it`,
    );
    expect(await readFile(existing, 'utf8')).toBe('an older video');
    const replaced = await run([...base(), '--out', existing, '-y']);
    expect(replaced.code, replaced.text).toBe(0);
    expect((await probeMedia(existing)).video?.width).toBeGreaterThan(0);
    expect((await run(['--help'])).text).toMatch(/-y, --force +replace --out if it exists/);
  });

  // Each used to fail only after the models loaded, untyped (ENOTDIR, EEXIST), or overwrote frames.
  it('refuses before any work an --out or --png-dir under a file, and frames already there without -y', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const cases: [string[], string][] = [
      [
        ['--out', join(file, 'talking.mp4')],
        `--out '${join(file, 'talking.mp4')}' lies under '${file}', which is a file`,
      ],
      [['--png-dir', file], `--png-dir '${file}' is a file, not a folder`],
      [['--png-dir', join(file, 'frames')], `--png-dir '${join(file, 'frames')}' lies under '${file}'`],
    ];
    const frames = join(root, 'old-frames');
    await mkdir(frames);
    await writeFile(join(frames, 'frame-00000.png'), 'an older frame');
    cases.push([
      ['--png-dir', frames],
      `--png-dir '${frames}' already holds frame-00000.png; pass --force (-y)`,
    ]);
    for (const [args, message] of cases) {
      const { code, text } = await run([...base(), ...args]);
      expect(code, text).toBe(2);
      expect(text.split('\n')[0]).toContain(message);
    }
    expect(await readFile(join(frames, 'frame-00000.png'), 'utf8')).toBe('an older frame');
  });

  it('exits 1 with the way out when there is no bundle at the default place', async () => {
    const { code, text } = await run(['--image', image, '--audio', audio, '--out', join(root, 'no.mp4')]);
    expect(code).toBe(1);
    expect(text).toMatch(
      /^error: Cannot load the default bundle folder .*bundles\/joyvasa: there is no model bundle/m,
    );
    expect(text).toMatch(/joyvasa fetch .*joyvasa convert .*--models fixture/);
  });

  it('exits 1 before any work when ffmpeg is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(root, 'empty-path');
    try {
      const { code, text } = await run([...base(), '--out', join(root, 'no-ffmpeg.mp4')]);
      expect(code).toBe(1);
      expect(text).toMatch(/^error: ffmpeg is required: --out writes the video with ffmpeg/m);
      expect(text).not.toContain('source ');
    } finally {
      process.env.PATH = path;
    }
  });

  it.each([
    ['nothing', []],
    ['no audio', ['--image', 'a.png', '--out', 'x.mp4']],
    ['no output', ['--image', 'a.png', '--audio', 'b.wav']],
    ['an unknown option', ['--bogus']],
    ['a stray argument', ['extra', '--image', 'a.png', '--audio', 'b.wav', '--out', 'x.mp4']],
  ])('exits 2 on %s with the error, the synopsis and a hint, not the whole help', async (_, args) => {
    const { code, text } = await run(args);
    expect(code).toBe(2);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[1]).toMatch(/^usage: joyvasa animate --image/);
    expect(lines[2]).toBe("Run 'joyvasa animate --help' for the options.");
  });

  it.each([
    [['--cfg', 'lots'], /--cfg must be a number, not 'lots'/],
    [['--cfg', '30'], /--cfg: must be a number from 0 to 20, got 30/],
    [['--seed', '1.5'], /--seed must be a whole number/],
    [['--ddim', '0'], /--ddim: ddim steps must be a whole number from 1 to 1000/],
    [['--face-box', '1,2,3'], /--face-box is x1,y1,x2,y2/],
    [['--face-box', '50,50,10,10'], /--face-box: must be \[x1, y1, x2, y2\] with x2 > x1/],
    [['--mode', 'cat'], /--mode is human or animal, not 'cat'/],
    [['--pe', 'rotary'], /--pe is legacy or fixed/],
    [['--device', 'tpu'], /--device is cpu, cuda, webgpu or auto, not 'tpu'/],
    [['--out', 'video.avi'], /--out 'video.avi' must end in \.mp4/],
    [['--models', '/no/such/bundle'], /--models '\/no\/such\/bundle' is not a bundle folder/],
  ])('exits 2 with a one-line reason on %j', async (extra, message) => {
    const args = ['--image', image, '--audio', audio, '--out', join(root, 'bad.mp4'), ...extra];
    const { code, text } = await run(args);
    expect(code).toBe(2);
    expect(text.split('\n')[0]).toMatch(message);
  });

  it('says a bundle folder cannot be read instead of claiming it has no manifest.json', async () => {
    const looped = join(root, 'looped-bundle');
    await mkdir(looped);
    await symlink('manifest.json', join(looped, 'manifest.json'));
    const args = ['--image', image, '--audio', audio, '--out', join(root, 'never.mp4'), '--models'];
    const loop = await run([...args, looped]);
    expect(loop.code).toBe(2);
    expect(loop.text.split('\n')[0]).toContain(`${join(looped, 'manifest.json')} cannot be read (ELOOP)`);
    expect(loop.text).not.toContain('no manifest.json');
    const empty = join(root, 'empty-bundle');
    await mkdir(empty);
    expect((await run([...args, empty])).text.split('\n')[0]).toContain(
      `there is no model bundle in ${empty} (no manifest.json)`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('says a folder without read permission is unreadable', async () => {
    const locked = join(root, 'locked-bundle');
    await mkdir(locked);
    await writeFile(join(locked, 'manifest.json'), '{}');
    await chmod(locked, 0);
    try {
      const { code, text } = await run([
        '--image',
        image,
        '--audio',
        audio,
        '--out',
        join(root, 'n.mp4'),
        '--models',
        locked,
      ]);
      expect(code).toBe(2);
      expect(text.split('\n')[0]).toContain(`${locked} cannot be read (permission denied)`);
    } finally {
      await chmod(locked, 0o755);
    }
  });

  it('exits 2 when an input file does not exist, and 0 with --help', async () => {
    const missing = await run([
      '--image',
      join(root, 'nope.png'),
      '--audio',
      audio,
      '--out',
      join(root, 'x.mp4'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.text).toMatch(/^error: --image '.*nope\.png' does not exist/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.text).toMatch(/^joyvasa animate --image <picture> --audio <speech> --out <video\.mp4>/);
  });
});
