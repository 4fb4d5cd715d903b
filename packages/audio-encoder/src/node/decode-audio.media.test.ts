import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { decodeAudio } from './decode-audio.js';

const audioDir = join(sharedDirectory(), 'data', 'audio');
// Locally the shared data may be absent (skip); on CI its absence fails the run.
const present = requireSharedData('data/audio/MANIFEST.tsv');
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
      const fromPath = await decodeAudio(path, { sampleRate: 16000 });
      const fromBytes = await decodeAudio(readFileSync(path), { sampleRate: 16000 });
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
