import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type OrtApiName, ortApiFunctions, ortApiVersion } from './ort-api-table.js';

/** A native pointer as koffi hands it over (null for NULL). */
export type Pointer = bigint | null;

/** One bound OrtApi function: a synchronous call and one on libuv's thread pool. */
export interface OrtFunction {
  (...args: unknown[]): unknown;
  callAsync(...args: unknown[]): Promise<unknown>;
}

/** The loaded runtime: the OrtApi table's functions by name, and the library's version. */
export interface OrtLibrary {
  readonly version: string;
  /** The file loaded. */
  readonly path: string;
  readonly api: Readonly<Record<OrtApiName, OrtFunction>>;
  /** Reads a NUL-terminated string at a pointer. */
  readString(pointer: bigint): string;
  /** A view of native memory (no copy; valid while the memory lives). */
  view(pointer: bigint, bytes: number): ArrayBuffer;
  /** The address of a JavaScript buffer's bytes. */
  addressOf(buffer: ArrayBufferView): bigint;
  /** koffi's handle of the library: held so that it is never collected (koffi unloads a collected one). */
  readonly handle: unknown;
}

/** The subset of koffi used here (typed loosely: koffi's own types describe any C function). */
interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
  proto(result: string, args: readonly string[]): unknown;
  decode: ((pointer: unknown, type: unknown, length?: number) => unknown) & {
    string(pointer: unknown): string;
  };
  view(pointer: unknown, bytes: number): ArrayBuffer;
  address(value: unknown): bigint;
  config(settings?: Record<string, number>): Record<string, number>;
}

/**
 * The stacks koffi runs native code on. Its defaults (2 MiB for calls on the caller's thread, 128 KiB for
 * `.async` calls on its worker threads) are far below the 8 MiB thread stack that onnxruntime, the CUDA
 * provider and cuDNN are built for: a CUDA run overflowed the async stack into koffi's guard page (a
 * segmentation fault on an H100, hidden under a debugger). The pages are reserved, not committed, so the
 * size costs address space only. Settable only before koffi loads its first library.
 */
export const koffiStackSizes = { sync_stack_size: 16 * 1024 * 1024, async_stack_size: 8 * 1024 * 1024 };

function configureStacks(koffi: Koffi): void {
  const current = koffi.config();
  const wanted = Object.entries(koffiStackSizes).filter(([key, size]) => (current[key] ?? 0) < size);
  if (wanted.length === 0) return;
  try {
    koffi.config({ ...current, ...Object.fromEntries(wanted) });
  } catch {
    // Another user of koffi in this process loaded a library first: its settings stay.
  }
}

/** The runtime file name of onnxruntime's shared library on this platform. */
function libraryFileName(): string {
  if (process.platform === 'win32') return 'onnxruntime.dll';
  if (process.platform === 'darwin') return 'libonnxruntime.1.dylib';
  return 'libonnxruntime.so.1';
}

/**
 * Where onnxruntime-node keeps its native files (`bin/napi-v6/<platform>/<arch>`): the same
 * `libonnxruntime` and provider libraries its own binding loads, so there is one runtime in the process.
 */
export function onnxruntimeNodeBinaryFolder(): string {
  const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

/** The default library path, or undefined when onnxruntime-node is not installed. */
export function defaultLibraryPath(): string | undefined {
  try {
    const path = join(onnxruntimeNodeBinaryFolder(), libraryFileName());
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function bind(koffi: Koffi, table: readonly bigint[], name: OrtApiName): OrtFunction {
  const [slot, result, args] = ortApiFunctions[name];
  const native = koffi.decode(table[slot], koffi.proto(result, args)) as ((...a: unknown[]) => unknown) & {
    async(...a: unknown[]): void;
  };
  const call = ((...callArgs: unknown[]) => native(...callArgs)) as OrtFunction;
  call.callAsync = (...callArgs: unknown[]) =>
    new Promise((resolve, reject) => {
      native.async(...callArgs, (error: unknown, value: unknown) => (error ? reject(error) : resolve(value)));
    });
  return call;
}

/**
 * Loads `libonnxruntime` through koffi and binds the OrtApi table of {@link ortApiVersion}. Throws a plain
 * Error when koffi, the library or that API version is missing; the backend turns it into an
 * `UnsupportedDeviceError`.
 */
export async function loadOrtLibrary(path: string): Promise<OrtLibrary> {
  const module = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
  const koffi = module.default ?? module;
  configureStacks(koffi);
  const library = koffi.load(path);
  const getApiBase = library.func('void *OrtGetApiBase()');
  const base = getApiBase() as bigint;
  const [getApi, getVersion] = koffi.decode(base, 'uint64_t', 2) as bigint[];
  const version = (koffi.decode(getVersion, koffi.proto('const char *', [])) as () => string)();
  const apiTable = (koffi.decode(getApi, koffi.proto('void *', ['uint32_t'])) as (v: number) => Pointer)(
    ortApiVersion,
  );
  if (!apiTable)
    throw new Error(`${path} (onnxruntime ${version}) does not offer OrtApi version ${ortApiVersion}`);
  const lastSlot = Math.max(...Object.values(ortApiFunctions).map(([slot]) => slot));
  const table = [...(koffi.decode(apiTable, 'uint64_t', lastSlot + 1) as BigUint64Array)];
  const api = Object.fromEntries(
    (Object.keys(ortApiFunctions) as OrtApiName[]).map((name) => [name, bind(koffi, table, name)]),
  ) as Record<OrtApiName, OrtFunction>;
  return {
    handle: library,
    version,
    path,
    api,
    readString: (pointer) => koffi.decode.string(pointer),
    view: (pointer, bytes) => koffi.view(pointer, bytes),
    addressOf: (buffer) => koffi.address(buffer),
  };
}
