import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/checkpoint-fixtures.js';
import { writeDeflatedZip } from '../../test/deflated-zip.js';
import { writeZip } from '../synthetic/zip-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { readZipArchive } from './zip-archive.js';

const text = (value: string) => new TextEncoder().encode(value);

const entries = [
  { name: 'archive/data.pkl', data: text('pickle bytes') },
  { name: 'archive/data/0', data: Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256) },
  { name: 'archive/ünïcode', data: new Uint8Array(0) },
];

/** Byte offset of the central-directory record of `name`. */
function centralRecord(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    if (new TextDecoder().decode(zip.subarray(at + 46, at + 46 + length)) === name) return at;
  }
  throw new Error(`no central record for ${name}`);
}

function patched(zip: Uint8Array, patch: (view: DataView) => void): Uint8Array {
  const copy = new Uint8Array(zip);
  patch(new DataView(copy.buffer));
  return copy;
}

async function readError(zip: Uint8Array, name?: string): Promise<string> {
  try {
    const archive = readZipArchive(zip, 'test.zip');
    await archive.read(name ?? archive.entries[0]!.name);
  } catch (error) {
    expect(CheckpointError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

describe('writeZip → readZipArchive', () => {
  for (const zip64 of [false, true]) {
    it(`round-trips stored entries${zip64 ? ' with zip64 records' : ''}, aligned and as views`, async () => {
      const zip = writeZip(entries, { zip64 });
      const archive = readZipArchive(zip, 'test.zip');
      expect(archive.entries.map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
      for (const entry of entries) {
        const data = await archive.read(entry.name);
        expect(data).toEqual(entry.data);
        expect(data.buffer).toBe(zip.buffer);
        expect(data.byteOffset % 64).toBe(0);
      }
    });
  }
});

describe('deflated entries', () => {
  it('inflates a zip written by Python with ZIP_DEFLATED', async () => {
    const deflated = readZipArchive(fixture('joyvasa-like-deflated.pt'), 'deflated.pt');
    const stored = readZipArchive(fixture('joyvasa-like.pt'), 'stored.pt');
    expect(deflated.entries.some((entry) => entry.method === 8)).toBe(true);
    for (const entry of stored.entries) {
      const twin = entry.name.replace(/^archive\//, 'iter_0020000/');
      expect(await deflated.read(twin)).toEqual(await stored.read(entry));
    }
  });

  it('stops an entry that inflates past its declared size', async () => {
    const zip = fixture('joyvasa-like-deflated.pt');
    const at = centralRecord(zip, 'iter_0020000/data.pkl');
    const smaller = patched(zip, (view) => view.setUint32(at + 24, 10, true));
    expect(await readError(smaller, 'iter_0020000/data.pkl')).toContain(
      'inflates past its declared 10 bytes',
    );
    const larger = patched(zip, (view) => view.setUint32(at + 24, view.getUint32(at + 24, true) + 5, true));
    expect(await readError(larger, 'iter_0020000/data.pkl')).toMatch(/not its declared/);
  });

  it('refuses a declared size deflate cannot reach (a zip bomb)', async () => {
    const zip = fixture('joyvasa-like-deflated.pt');
    const at = centralRecord(zip, 'iter_0020000/data.pkl');
    const bomb = patched(zip, (view) => view.setUint32(at + 24, 0xfffffff0, true));
    expect(await readError(bomb, 'iter_0020000/data.pkl')).toContain('which is impossible');
  });

  it('refuses an entry that declares more than maxEntryBytes before inflating it', async () => {
    const zip = writeDeflatedZip([{ name: 'big', data: new Uint8Array(1 << 20) }], ['big']);
    const archive = readZipArchive(zip, 'bomb.zip', { maxEntryBytes: 1000 });
    await expect(archive.read('big')).rejects.toThrow(
      'zip entry big declares 1048576 bytes once inflated, above the limit of 1000; it is corrupt or a zip bomb',
    );
    expect(await readZipArchive(zip, 'ok.zip').read('big')).toEqual(new Uint8Array(1 << 20));
  });

  it('rejects corrupt deflate data', async () => {
    const zip = fixture('joyvasa-like-deflated.pt');
    const archive = readZipArchive(zip, 'x');
    const entry = archive.get('iter_0020000/data.pkl')!;
    const corrupt = new Uint8Array(zip);
    const dataStart =
      entry.localHeaderOffset +
      30 +
      new DataView(zip.buffer).getUint16(entry.localHeaderOffset + 26, true) +
      new DataView(zip.buffer).getUint16(entry.localHeaderOffset + 28, true);
    corrupt.fill(0xff, dataStart, dataStart + 16);
    expect(await readError(corrupt, entry.name)).toMatch(/corrupt deflate data|CRC-32/);
  });
});

describe('broken archives', () => {
  const zip = writeZip(entries);

  it('rejects a file without an end record (truncated download)', async () => {
    expect(await readError(zip.subarray(0, zip.length - 30))).toContain(
      'no zip end-of-central-directory record',
    );
    expect(await readError(text('definitely not a zip archive, just some text'))).toContain('no zip end');
    expect(await readError(new Uint8Array(3))).toContain('too few');
  });

  it('rejects a central directory past its end record', async () => {
    const eocd = zip.length - 22;
    const bad = patched(zip, (view) => view.setUint32(eocd + 16, zip.length, true));
    expect(await readError(bad)).toContain('lies past its end record');
  });

  it('rejects an entry that runs past the end of the archive', async () => {
    const at = centralRecord(zip, 'archive/data/0');
    const bad = patched(zip, (view) => {
      view.setUint32(at + 20, 10_000_000, true);
      view.setUint32(at + 24, 10_000_000, true);
    });
    expect(await readError(bad, 'archive/data/0')).toContain('runs past the end');
  });

  it('rejects a bad local header', async () => {
    const at = centralRecord(zip, 'archive/data/0');
    const bad = patched(zip, (view) => view.setUint32(at + 42, 3, true));
    expect(await readError(bad, 'archive/data/0')).toContain('bad local header');
  });

  it('rejects corrupted data through its CRC-32, unless told not to check', async () => {
    const archive = readZipArchive(zip, 'x');
    const data = await archive.read('archive/data/0');
    const corrupt = new Uint8Array(zip);
    corrupt[data.byteOffset + 10]! ^= 0xff;
    expect(await readError(corrupt, 'archive/data/0')).toContain('CRC-32');
    const unchecked = await readZipArchive(corrupt, 'x', { verifyCrc: false }).read('archive/data/0');
    expect(unchecked[10]).toBe(data[10]! ^ 0xff);
  });

  it('refuses two entries of one name instead of letting the last one win', () => {
    const twice = writeZip([...entries, { name: 'archive/data/0', data: text('other') }]);
    expect(() => readZipArchive(twice, 'twice.zip')).toThrow(
      'the zip archive holds two entries named archive/data/0; it is corrupt or tampered with',
    );
  });

  it('rejects encrypted entries, unknown methods and missing entries', async () => {
    const at = centralRecord(zip, 'archive/data/0');
    expect(await readError(patched(zip, (view) => view.setUint16(at + 8, 1, true)))).toContain('encrypted');
    const bzip2 = patched(zip, (view) => view.setUint16(at + 10, 12, true));
    expect(await readError(bzip2, 'archive/data/0')).toContain('compression method 12');
    expect(await readError(zip, 'archive/missing')).toContain('no entry archive/missing');
  });
});
