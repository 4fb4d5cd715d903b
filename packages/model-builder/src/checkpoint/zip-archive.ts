import { inputLimits } from '@joyvasa/core';
import { CheckpointError, toCheckpointError } from './checkpoint-error.js';
import { crc32 } from './crc32.js';

/** One file in a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  /** Uncompressed size in bytes. */
  readonly size: number;
  readonly crc32: number;
  /** Byte offset of the entry's local header from the start of the archive. */
  readonly localHeaderOffset: number;
}

/** Options of {@link readZipArchive}. */
export interface ZipArchiveOptions {
  /** Check each entry's CRC-32 when it is read (an entry whose recorded CRC is 0 is not checked). Default true. */
  readonly verifyCrc?: boolean;
  /**
   * Most bytes one entry may declare once inflated; a larger one is refused before anything is allocated.
   * Default {@link inputLimits.zipEntryMaxBytes}.
   */
  readonly maxEntryBytes?: number;
}

/** A zip archive over bytes in memory. Stored entries are returned as views, not copies. */
export interface ZipArchive {
  readonly entries: readonly ZipEntry[];
  /** The entry with this exact name, if any. */
  get(name: string): ZipEntry | undefined;
  /** The entry's uncompressed bytes: a view of the archive for stored entries, a new array for deflated ones. */
  read(entry: ZipEntry | string): Promise<Uint8Array>;
}

const eocdSignature = 0x06054b50;
const zip64LocatorSignature = 0x07064b50;
const zip64EocdSignature = 0x06064b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;

function safe(value: bigint, what: string, file: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new CheckpointError(file, `zip ${what} ${value} is too large`);
  return Number(value);
}

function findEndRecord(view: DataView, file: string): number {
  const earliest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= earliest; at--) {
    if (view.getUint32(at, true) === eocdSignature) return at;
  }
  throw new CheckpointError(
    file,
    'no zip end-of-central-directory record: the file is truncated (an interrupted download?) or not a zip archive',
  );
}

/** Where the central directory lies and how many entries it has, from the (zip64) end records. */
function centralDirectory(view: DataView, file: string) {
  const eocd = findEndRecord(view, file);
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === zip64LocatorSignature) {
    const record = safe(view.getBigUint64(locator + 8, true), 'zip64 record offset', file);
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== zip64EocdSignature) {
      throw new CheckpointError(
        file,
        'the zip64 end-of-central-directory record is missing; the archive is corrupt',
      );
    }
    count = safe(view.getBigUint64(record + 32, true), 'entry count', file);
    size = safe(view.getBigUint64(record + 40, true), 'directory size', file);
    offset = safe(view.getBigUint64(record + 48, true), 'directory offset', file);
  }
  if (offset + size > eocd) {
    throw new CheckpointError(
      file,
      `the zip central directory (bytes ${offset}..${offset + size}) lies past its end record at ${eocd}; ` +
        'the archive is truncated or corrupt',
    );
  }
  return { count, offset, end: offset + size };
}

/** Applies a zip64 extended-information extra field to the 32-bit values that overflowed. */
function applyZip64(
  view: DataView,
  start: number,
  end: number,
  fields: { size: number; compressedSize: number; localHeaderOffset: number },
  file: string,
) {
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let cursor = at + 4;
      for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
        if (fields[key] !== 0xffffffff) continue;
        if (cursor + 8 > at + 4 + length) throw new CheckpointError(file, 'a zip64 extra field is too short');
        fields[key] = safe(view.getBigUint64(cursor, true), key, file);
        cursor += 8;
      }
    }
    at += 4 + length;
  }
}

function readEntries(view: DataView, bytes: Uint8Array, file: string): ZipEntry[] {
  const { count, offset, end } = centralDirectory(view, file);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== centralSignature) {
      throw new CheckpointError(file, `zip central directory entry ${i} at byte ${at} is corrupt`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    if (flags & 1) throw new CheckpointError(file, `zip entry ${name} is encrypted`);
    const fields = {
      size: view.getUint32(at + 24, true),
      compressedSize: view.getUint32(at + 20, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    applyZip64(view, at + 46 + nameLength, at + 46 + nameLength + extraLength, fields, file);
    entries.push({
      name,
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      ...fields,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function inflate(
  data: Uint8Array,
  size: number,
  limit: number,
  what: string,
  file: string,
): Promise<Uint8Array> {
  if (size > limit) {
    throw new CheckpointError(
      file,
      `${what} declares ${size} bytes once inflated, above the limit of ${limit}; it is corrupt or a zip bomb`,
    );
  }
  if (typeof DecompressionStream === 'undefined') {
    throw new CheckpointError(
      file,
      `${what} is deflated, and this runtime lacks DecompressionStream (Node >= 18 has it)`,
    );
  }
  // Deflate cannot expand data more than 1032-fold; a larger declared size is corrupt or a zip bomb.
  if (size > data.length * 1032 + 64) {
    throw new CheckpointError(
      file,
      `${what} declares ${size} bytes from ${data.length} deflated bytes, which is impossible`,
    );
  }
  const out = new Uint8Array(size);
  let filled = 0;
  const input = new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(data as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
  const reader = input.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      // Stop at the declared size: a corrupt or hostile entry must not inflate without bound.
      if (filled + chunk.value.length > size) throw new Error(`inflates past its declared ${size} bytes`);
      out.set(chunk.value, filled);
      filled += chunk.value.length;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw new CheckpointError(file, `${what}: corrupt deflate data (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (filled !== size)
    throw new CheckpointError(file, `${what} inflates to ${filled} bytes, not its declared ${size}`);
  return out;
}

/** The raw (possibly deflated) bytes of an entry, after checking its local header. */
function rawData(bytes: Uint8Array, view: DataView, entry: ZipEntry, file: string): Uint8Array {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== localSignature) {
    throw new CheckpointError(
      file,
      `zip entry ${entry.name}: bad local header at byte ${at}; the archive is corrupt`,
    );
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) {
    throw new CheckpointError(
      file,
      `zip entry ${entry.name} (bytes ${start}..${start + entry.compressedSize}) runs past the end of the ` +
        `${bytes.length}-byte archive; the file is truncated`,
    );
  }
  return bytes.subarray(start, start + entry.compressedSize);
}

async function entryData(raw: Uint8Array, entry: ZipEntry, limit: number, file: string): Promise<Uint8Array> {
  if (entry.method === 8) return inflate(raw, entry.size, limit, `zip entry ${entry.name}`, file);
  if (entry.method !== 0) {
    throw new CheckpointError(
      file,
      `zip entry ${entry.name} uses compression method ${entry.method}; only stored and deflate are supported`,
    );
  }
  if (entry.compressedSize !== entry.size) {
    throw new CheckpointError(
      file,
      `stored zip entry ${entry.name} has different sizes; the archive is corrupt`,
    );
  }
  return raw;
}

/** The entries by name; two with one name would let a reader see one and a checker the other, so refuse. */
function entriesByName(entries: readonly ZipEntry[], file: string): Map<string, ZipEntry> {
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) {
    if (byName.has(entry.name)) {
      throw new CheckpointError(
        file,
        `the zip archive holds two entries named ${entry.name}; it is corrupt or tampered with`,
      );
    }
    byName.set(entry.name, entry);
  }
  return byName;
}

/**
 * Opens a zip archive held in memory: central directory, zip64 sizes and offsets, stored and deflated
 * entries. Throws {@link CheckpointError} for truncated or corrupt archives (no central directory, an entry
 * past the end, a bad local header, a CRC mismatch, two entries of one name, an entry declaring more than
 * `maxEntryBytes`).
 */
export function readZipArchive(input: Uint8Array, file: string, options: ZipArchiveOptions = {}): ZipArchive {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 22)
    throw new CheckpointError(file, `${bytes.length} bytes are too few for a zip archive`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let entries: ZipEntry[];
  try {
    entries = readEntries(view, bytes, file);
  } catch (error) {
    throw toCheckpointError(file, error);
  }
  const byName = entriesByName(entries, file);
  const limit = options.maxEntryBytes ?? inputLimits.zipEntryMaxBytes;
  return {
    entries,
    get: (name) => byName.get(name),
    async read(entryOrName) {
      const entry = typeof entryOrName === 'string' ? byName.get(entryOrName) : entryOrName;
      if (!entry) throw new CheckpointError(file, `the zip archive has no entry ${String(entryOrName)}`);
      const data = await entryData(rawData(bytes, view, entry, file), entry, limit, file);
      if ((options.verifyCrc ?? true) && entry.crc32 !== 0 && crc32(data) !== entry.crc32) {
        throw new CheckpointError(
          file,
          `zip entry ${entry.name} fails its CRC-32 check; the file is corrupt`,
        );
      }
      return data;
    },
  };
}
