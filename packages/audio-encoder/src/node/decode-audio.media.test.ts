import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from './decode-audio.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const sharedDir = process.env.JOYVASA_SHARED_DIR ?? resolve(repoRoot, '../shared');
const audioDir = join(sharedDir, 'data', 'audio');
const present = existsSync(audioDir);
if (!present && process.env.CI === 'true') {
  throw new Error(`Media folder ${audioDir} is missing; set JOYVASA_SHARED_DIR to the shared checkout`);
}
const files = present ? readdirSync(audioDir).filter((name) => /\.(wav|m4a)$/i.test(name)) : [];

/** ffprobe's container duration (for AAC it already leaves out the encoder's priming samples). */
function probeSeconds(path: string): number {
  const result = spawnSync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    path,
  ]);
  if (result.status !== 0) throw new Error(`ffprobe failed on ${path}: ${result.stderr}`);
  return Number(result.stdout.toString().trim());
}

describe.skipIf(!present)('decodeAudio on the shared audio files', () => {
  it('finds the files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(files.some((name) => name.endsWith('.m4a'))).toBe(true);
  });

  for (const name of files) {
    it(name, async () => {
      const path = join(audioDir, name);
      const fromPath = await decodeAudio(path);
      const fromBytes = await decodeAudio(readFileSync(path));
      const same = Buffer.from(fromBytes.pcm.buffer).equals(Buffer.from(fromPath.pcm.buffer));
      expect(same, 'path and bytes decode identically').toBe(true);
      const { pcm, durationSeconds, sourceSampleRate } = fromPath;
      // ffprobe rounds to microseconds; allow that and one source sample.
      expect(Math.abs(durationSeconds - probeSeconds(path))).toBeLessThan(1 / sourceSampleRate + 2e-6);
      expect(pcm.length).toBe(Math.ceil(durationSeconds * 16000 - 1e-6));
      let energy = 0;
      let nonFinite = 0;
      for (const value of pcm) {
        if (!Number.isFinite(value)) nonFinite++;
        energy += value * value;
      }
      expect(nonFinite, 'non-finite samples').toBe(0);
      expect(Math.sqrt(energy / pcm.length), 'RMS').toBeGreaterThan(0.005);
    });
  }
});
