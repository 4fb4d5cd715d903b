import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, inputLimits } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../encode-wav.js';
import { decodeAudio } from './decode-audio.js';

// Files that are not what they claim: each used to hang in open(), read a device until memory ran out,
// or read a whole sparse file before the duration limit refused it.
describe('decodeAudio (Node) of hostile paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'joyvasa-audio-files-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const refusal = async (path: string) => {
    const error = await rejectionOf(decodeAudio(path, { sampleRate: 16000 }));
    expect(InvalidInputError.isInstance(error), String(error)).toBe(true);
    return error.message;
  };

  it('refuses a FIFO and a link to /dev/urandom without opening them for reading', async () => {
    const fifo = join(dir, 'speech.wav');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toMatch(/named pipe \(FIFO\), not a regular file/);
    await symlink('/dev/urandom', join(dir, 'noise.mp3'));
    expect(await refusal(join(dir, 'noise.mp3'))).toMatch(/character device/);
  });

  it('refuses a WAV whose header states more than the limit before reading its samples', async () => {
    const long = join(dir, 'long.wav');
    // A 44-byte header of a 16 kHz mono 16-bit file, then 64 MB of holes: 2097 s of audio.
    const header = encodeWav([new Float32Array(0)], 16000).slice(0, 44);
    const dataBytes = 64 * 2 ** 20;
    new DataView(header.buffer).setUint32(40, dataBytes, true);
    new DataView(header.buffer).setUint32(4, 36 + dataBytes, true);
    await writeFile(long, header);
    await truncate(long, 44 + dataBytes);
    expect(await refusal(long)).toMatch(/more than the 600 s limit \(its WAV header states 2097\.2 s\)/);
  });

  it('refuses a file over 2 GiB with a typed error', async () => {
    const huge = join(dir, 'huge.wav');
    await writeFile(huge, encodeWav([new Float32Array(16)], 16000));
    await truncate(huge, inputLimits.fileMaxBytes + 44);
    expect(await refusal(huge)).toMatch(/above the limit of 2147483648 \(fileMaxBytes\)/);
  });
});
