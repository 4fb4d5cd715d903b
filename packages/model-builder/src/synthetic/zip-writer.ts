import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { crc32 } from '../checkpoint/crc32.js';

/** One file to store in a zip archive. */
export interface ZipWriterEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  readonly data: Uint8Array;
}

/** Options of {@link writeZip}. */
export interface ZipWriterOptions {
  /** Start every entry's data at a multiple of this many bytes, as torch does (64). Default 64. */
  readonly align?: number;
  /** Write zip64 sizes, offsets and end records even when they are not needed. Default false. */
  readonly zip64?: boolean;
}

const utf8Flag = 0x0800;
const dosDate = 0x21; // 1980-01-01: a fixed date keeps output reproducible.

class Record {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u16(value: number): this {
    this.view.setUint16(this.at, value, true);
    this.at += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.at, value >>> 0, true);
    this.at += 4;
    return this;
  }

  u64(value: number): this {
    this.view.setBigUint64(this.at, BigInt(value), true);
    this.at += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }
}

/**
 * The fields a local header and its central-directory header share, from the flags to the name length:
 * UTF-8 names, stored (no compression), the fixed date, the CRC and both sizes (0xffffffff under zip64).
 */
function sharedFields(record: Record, name: Uint8Array, entry: ZipWriterEntry, crc: number, zip64: boolean) {
  const size = zip64 ? 0xffffffff : entry.data.length;
  return record.u16(utf8Flag).u16(0).u16(0).u16(dosDate).u32(crc).u32(size).u32(size).u16(name.length);
}

function localHeader(
  name: Uint8Array,
  entry: ZipWriterEntry,
  crc: number,
  offset: number,
  align: number,
  zip64: boolean,
) {
  const zip64Extra = zip64 ? 20 : 0;
  const unpadded = offset + 30 + name.length + zip64Extra;
  let padding = (align - (unpadded % align)) % align;
  if (padding > 0 && padding < 4) padding += align; // a padding field needs 4 bytes of its own header
  const record = new Record(30 + name.length + zip64Extra + padding).u32(0x04034b50).u16(zip64 ? 45 : 20);
  sharedFields(record, name, entry, crc, zip64)
    .u16(zip64Extra + padding)
    .raw(name);
  if (zip64) record.u16(0x0001).u16(16).u64(entry.data.length).u64(entry.data.length);
  // Torch pads with an extra field too; the id is arbitrary ("FB").
  if (padding > 0) record.u16(0x4246).u16(padding - 4);
  return record.bytes;
}

function centralHeader(name: Uint8Array, entry: ZipWriterEntry, crc: number, offset: number, zip64: boolean) {
  const extra = zip64 ? 28 : 0;
  const record = new Record(46 + name.length + extra)
    .u32(0x02014b50)
    .u16(zip64 ? 45 : 20)
    .u16(zip64 ? 45 : 20);
  sharedFields(record, name, entry, crc, zip64)
    .u16(extra)
    .u16(0)
    .u16(0)
    .u16(0)
    .u32(0)
    .u32(zip64 ? 0xffffffff : offset)
    .raw(name);
  if (zip64) record.u16(0x0001).u16(24).u64(entry.data.length).u64(entry.data.length).u64(offset);
  return record.bytes;
}

function endRecords(count: number, directoryStart: number, directorySize: number, zip64: boolean) {
  const parts: Uint8Array[] = [];
  if (zip64) {
    const recordOffset = directoryStart + directorySize;
    parts.push(
      new Record(56)
        .u32(0x06064b50)
        .u64(44)
        .u16(45)
        .u16(45)
        .u32(0)
        .u32(0)
        .u64(count)
        .u64(count)
        .u64(directorySize)
        .u64(directoryStart).bytes,
      new Record(20).u32(0x07064b50).u32(0).u64(recordOffset).u32(1).bytes,
    );
  }
  const small = (value: number, max: number) => (zip64 ? max : value);
  parts.push(
    new Record(22)
      .u32(0x06054b50)
      .u16(0)
      .u16(0)
      .u16(small(count, 0xffff))
      .u16(small(count, 0xffff))
      .u32(small(directorySize, 0xffffffff))
      .u32(small(directoryStart, 0xffffffff))
      .u16(0).bytes,
  );
  return parts;
}

/**
 * Writes a zip archive of stored (uncompressed) entries, each entry's data aligned to `options.align`
 * bytes so readers can view tensors in place. Archives past 4 GiB or 65,535 entries need `zip64: true`.
 */
export function writeZip(entries: readonly ZipWriterEntry[], options: ZipWriterOptions = {}): Uint8Array {
  const align = options.align ?? 64;
  const zip64 = options.zip64 ?? false;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const crc = crc32(entry.data);
    const header = localHeader(name, entry, crc, offset, align, zip64);
    central.push(centralHeader(name, entry, crc, offset, zip64));
    parts.push(header, entry.data);
    offset += header.length + entry.data.length;
  }
  const directorySize = central.reduce((sum, part) => sum + part.length, 0);
  if (!zip64 && (offset + directorySize > 0xffffffff || entries.length > 0xffff)) {
    throw new CheckpointError(
      'zip',
      'the archive exceeds 4 GiB or 65,535 entries; write it with zip64: true',
    );
  }
  for (const part of [...central, ...endRecords(entries.length, offset, directorySize, zip64)])
    parts.push(part);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
