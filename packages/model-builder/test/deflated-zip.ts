import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../src/checkpoint/crc32.js';
import { writeZip, type ZipWriterEntry } from '../src/synthetic/zip-writer.js';

const centralSignature = 0x02014b50;

/**
 * A zip of `entries` where `deflate` names the ones stored with deflate (method 8) rather than stored:
 * our writer only stores, so the deflated bytes are written as stored data and the headers patched.
 */
export function writeDeflatedZip(entries: readonly ZipWriterEntry[], deflate: readonly string[]): Uint8Array {
  const inflated = new Map(entries.filter((e) => deflate.includes(e.name)).map((e) => [e.name, e.data]));
  const zip = writeZip(
    entries.map((e) => (inflated.has(e.name) ? { name: e.name, data: deflateRawSync(e.data) } : e)),
    { align: 1 },
  );
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== centralSignature) continue;
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + view.getUint16(at + 28, true)));
    const data = inflated.get(name);
    if (!data) continue;
    const local = view.getUint32(at + 42, true);
    for (const [header, method, crc, size] of [
      [at, 10, 16, 24],
      [local, 8, 14, 22],
    ] as const) {
      view.setUint16(header + method, 8, true);
      view.setUint32(header + crc, crc32(data), true);
      view.setUint32(header + size, data.length, true);
    }
  }
  return zip;
}
