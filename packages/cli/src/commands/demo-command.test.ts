import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { demoCommand } from './demo-command.js';

let root: string;
const saved = process.env.JOYVASA_SHARED_DIR;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-demo-'));
});
afterAll(async () => {
  if (saved === undefined) delete process.env.JOYVASA_SHARED_DIR;
  else process.env.JOYVASA_SHARED_DIR = saved;
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[]) {
  const output = captureOutput();
  const code = await demoCommand(args, { output });
  return { code, text: output.text() };
}

describe('joyvasa demo (arguments)', () => {
  it.each([
    [['--seconds', '0'], /--seconds is a number from 0\.2 to 60, not '0'/],
    [['--seconds', 'four'], /--seconds is a number from 0\.2 to 60, not 'four'/],
    [['--device', 'tpu'], /--device is cpu, cuda, webgpu or auto/],
    [['extra'], /demo takes no arguments/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on %j', async (args, message) => {
    const { code, text } = await run(args);
    expect(code).toBe(2);
    expect(text.split('\n')[0]).toMatch(message);
  });

  it('exits 1 and says where the shared data should be when it is missing', async () => {
    process.env.JOYVASA_SHARED_DIR = join(root, 'no-shared');
    const { code, text } = await run(['--models', 'fixture']);
    expect(code).toBe(1);
    expect(text).toMatch(
      /^error: the demo needs .*no-shared\/data\/images\/human_01\.jpg .*set JOYVASA_SHARED_DIR/,
    );
  });

  it('prints its usage with --help', async () => {
    const { code, text } = await run(['--help']);
    expect(code).toBe(0);
    expect(text).toMatch(/^joyvasa demo \[--seconds <n>\]/);
  });
});
