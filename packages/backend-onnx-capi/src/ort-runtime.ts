import type { DType, TensorLike } from '@joyvasa/core';
import { dtypeOfElementType, elementBytes, onnxElementTypes, typedArrayFrom } from './element-types.js';
import type { OrtApiName } from './ort-api-table.js';
import type { OrtLibrary, Pointer } from './ort-library.js';
import { OrtObjectCounter, type OrtObjectKind } from './ort-objects.js';

/** An `OrtStatus` that was not OK: its error code and message, as the runtime wrote them. */
export class OrtStatusError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'OrtStatusError';
    this.code = code;
  }
}

const releaseFunctions: Readonly<Record<OrtObjectKind, OrtApiName>> = {
  session: 'ReleaseSession',
  'session-options': 'ReleaseSessionOptions',
  'cuda-options': 'ReleaseCUDAProviderOptions',
  'tensorrt-options': 'ReleaseTensorRTProviderOptions',
  'run-options': 'ReleaseRunOptions',
  'io-binding': 'ReleaseIoBinding',
  'memory-info': 'ReleaseMemoryInfo',
  allocator: 'ReleaseAllocator',
  value: 'ReleaseValue',
};

/** Log severity 3 = errors only (the runtime's warnings about node placement are noise here). */
const logSeverityError = 3;
/** `OrtArenaAllocator` and `OrtMemTypeDefault`. */
const arenaAllocator = 1;
const memTypeDefault = 0;

/** The shape and element type of a tensor value. */
export interface ValueShape {
  readonly type: DType;
  readonly dims: readonly number[];
}

/**
 * The C API with the bookkeeping around it: statuses turned into {@link OrtStatusError}, output pointers,
 * one process-wide `OrtEnv`, and every created object counted until released.
 */
export class OrtRuntime {
  readonly objects = new OrtObjectCounter();
  readonly env: bigint;
  /** CPU memory, for outputs bound to the host. */
  readonly cpuMemory: bigint;
  /** The runtime's default CPU allocator (owned by the runtime, never released). */
  readonly cpuAllocator: bigint;

  constructor(readonly library: OrtLibrary) {
    this.env = this.pointer('CreateEnv', logSeverityError, 'joyvasa');
    this.cpuMemory = this.pointer('CreateCpuMemoryInfo', arenaAllocator, memTypeDefault);
    this.cpuAllocator = this.pointer('GetAllocatorWithDefaultOptions');
  }

  /** Throws the status's error (and releases the status) unless it is OK. */
  check(status: unknown): void {
    if (status === null || status === 0n || status === undefined) return;
    const { api } = this.library;
    const message = (api.GetErrorMessage(status) as string).trim();
    const code = api.GetErrorCode(status) as number;
    api.ReleaseStatus(status);
    throw new OrtStatusError(code, message);
  }

  /** Calls an API function whose last argument is an output pointer, and returns what it wrote. */
  pointer(name: OrtApiName, ...args: unknown[]): bigint {
    const out = new BigUint64Array(1);
    this.check(this.library.api[name](...args, out));
    return out[0]!;
  }

  /** Calls an API function that returns a status. */
  call(name: OrtApiName, ...args: unknown[]): void {
    this.check(this.library.api[name](...args));
  }

  /** Calls an API function that returns a status, on libuv's thread pool. */
  async callAsync(name: OrtApiName, ...args: unknown[]): Promise<void> {
    this.check(await this.library.api[name].callAsync(...args));
  }

  /** Creates a counted object through a function whose last argument is its output pointer. */
  create(kind: OrtObjectKind, name: OrtApiName, ...args: unknown[]): bigint {
    const object = this.pointer(name, ...args);
    this.objects.created(kind);
    return object;
  }

  /** Releases a counted object (null is ignored). */
  release(kind: OrtObjectKind, object: Pointer): void {
    if (object === null) return;
    this.library.api[releaseFunctions[kind]](object);
    this.objects.released(kind);
  }

  /** A size_t written through an output pointer. */
  size(name: OrtApiName, ...args: unknown[]): number {
    return Number(this.pointer(name, ...args));
  }

  /** A string the runtime allocated with the default allocator: read, then freed. */
  takeString(name: OrtApiName, ...args: unknown[]): string {
    const text = this.pointer(name, ...args, this.cpuAllocator);
    try {
      return this.library.readString(text);
    } finally {
      this.call('AllocatorFree', this.cpuAllocator, text);
    }
  }

  /** Element type and dimensions of a tensor type-and-shape info (free axes are -1). */
  describeShapeInfo(info: bigint): { elementType: number; dims: number[] } {
    const elementType = new Int32Array(1);
    this.call('GetTensorElementType', info, elementType);
    const rank = this.size('GetDimensionsCount', info);
    const dims = new BigInt64Array(rank);
    this.call('GetDimensions', info, dims, rank);
    return { elementType: elementType[0]!, dims: [...dims].map(Number) };
  }

  /** The type and dimensions of a tensor value. */
  shapeOf(value: bigint): ValueShape {
    const info = this.pointer('GetTensorTypeAndShape', value);
    try {
      const { elementType, dims } = this.describeShapeInfo(info);
      const type = dtypeOfElementType(elementType);
      if (!type) throw new OrtStatusError(2, `the tensor's element type ${elementType} is not supported`);
      return { type, dims };
    } finally {
      this.library.api.ReleaseTensorTypeAndShapeInfo(info);
    }
  }

  /** A new tensor value from an allocator (CPU or device), uninitialised. */
  allocateTensor(allocator: bigint, type: DType, dims: readonly number[]): bigint {
    const shape = BigInt64Array.from(dims.map(BigInt));
    return this.create(
      'value',
      'CreateTensorAsOrtValue',
      allocator,
      shape,
      dims.length,
      onnxElementTypes[type],
    );
  }

  /** A host tensor value holding a copy of a tensor's data (default allocator, or a pinned one). */
  hostTensor(tensor: TensorLike, allocator = this.cpuAllocator): bigint {
    const value = this.allocateTensor(allocator, tensor.type, tensor.dims);
    const bytes = tensor.data.byteLength;
    if (bytes > 0) {
      const target = this.library.view(this.pointer('GetTensorMutableData', value), bytes);
      new Uint8Array(target).set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, bytes));
    }
    return value;
  }

  /**
   * A CPU tensor value over the tensor's own bytes (no copy): valid only while the caller keeps the tensor
   * alive and unchanged, which a run does for its feeds. An empty tensor gets a value of its own.
   */
  wrapHost(tensor: TensorLike): bigint {
    const bytes = tensor.data.byteLength;
    if (bytes === 0) return this.hostTensor(tensor);
    const shape = BigInt64Array.from(tensor.dims.map(BigInt));
    const address = this.library.addressOf(tensor.data);
    const type = onnxElementTypes[tensor.type];
    const args = [this.cpuMemory, address, bytes, shape, tensor.dims.length, type] as const;
    return this.create('value', 'CreateTensorWithDataAsOrtValue', ...args);
  }

  /** A copy of a CPU tensor value as a plain tensor. */
  readTensor(value: bigint): TensorLike {
    const { type, dims } = this.shapeOf(value);
    const count = dims.reduce((product, dim) => product * dim, 1);
    const bytes = count * elementBytes[type];
    const data =
      bytes === 0
        ? new ArrayBuffer(0)
        : this.library.view(this.pointer('GetTensorMutableData', value), bytes);
    return { type, dims, data: typedArrayFrom(type, data) } as TensorLike;
  }
}
