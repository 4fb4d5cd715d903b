import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../checkpoint/npy.js';
import { formulaInput } from './formula.js';

const shared = process.env.JOYVASA_SHARED_DIR ?? resolve(__dirname, '../../../../../shared');
const golden = join(shared, 'golden/seed-a');
const available = existsSync(join(golden, 'manifest.json'));

if (!available && process.env.CI === 'true') {
  throw new Error(`CI=true but the golden vectors are missing at ${golden} (set JOYVASA_SHARED_DIR)`);
}

// The golden inputs are themselves formula values: reproducing them bit for bit checks the generator
// against the official tooling's own float64 → float32 path over hundreds of thousands of values.
describe.skipIf(!available)('formula inputs against seed-a', () => {
  const cases: Array<[string, number, number, number]> = [
    ['image', 0, 1, 1],
    ['dit_x_t', -1, 1, 1],
    ['dit_audio_feat', -1, 1, 1],
    ['dit_prev_motion', -1, 1, 1],
    ['dit_prev_audio', -1, 1, 1],
    ['stitch_in_stitching', -1, 1, 1],
    ['stitch_in_eye', -1, 1, 1],
    ['hubert_hidden', -1, 1, 1],
    ['audio/audio', -1, 1, 0.5],
  ];
  it.each(cases)('%s.npy equals the formula exactly', async (file, low, high, scale) => {
    const stored = readNpy(await readFile(join(golden, `${file}.npy`)));
    const tag = file.replace('audio/', '');
    const ours = formulaInput('A', tag, stored.dims, low, high).data;
    const expected = stored.data as Float32Array;
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (Math.fround(ours[i]! * scale) !== expected[i]) mismatches++;
    expect(mismatches).toBe(0);
  });
});
