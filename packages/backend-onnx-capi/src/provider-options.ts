import type { OrtRuntime } from './ort-runtime.js';

/**
 * The CUDA execution provider's V2 options that onnxruntime-node does not pass (it passes the device id
 * only). Unset fields keep the provider's defaults. Each maps to one key of
 * `UpdateCUDAProviderOptions`, written beside it.
 */
export interface CudaProviderOptions {
  /** `device_id`. Default 0. */
  readonly deviceId?: number;
  /** `cudnn_conv_algo_search`: how each Conv picks its cuDNN algorithm. The provider's default is EXHAUSTIVE. */
  readonly cudnnConvAlgoSearch?: 'EXHAUSTIVE' | 'HEURISTIC' | 'DEFAULT';
  /** `prefer_nhwc`: run convolutions in NHWC (needs a provider built with NHWC kernels). */
  readonly preferNhwc?: boolean;
  /**
   * `enable_cuda_graph`: capture the run once and replay it. The backend then keeps every input and output
   * at a fixed device address per input shape (copying feeds into them), as CUDA graphs require.
   */
  readonly enableCudaGraph?: boolean;
  /** `use_tf32`: TF32 tensor cores for fp32 convolutions and matmuls. */
  readonly useTf32?: boolean;
  /** `fuse_conv_bias`: cuDNN frontend fusion of a Conv with its bias. */
  readonly fuseConvBias?: boolean;
  /** `cudnn_conv_use_max_workspace`: let cuDNN use as much workspace as its fastest algorithm wants. */
  readonly cudnnConvUseMaxWorkspace?: boolean;
  /** Any other V2 key, passed as written (for example `gpu_mem_limit`). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The TensorRT execution provider's options, appended before CUDA (which takes what TensorRT refuses).
 * Needs libnvinfer 10 and onnxruntime's TensorRT provider library beside `libonnxruntime`. Untested in this
 * repository: no machine here has TensorRT.
 */
export interface TensorRtProviderOptions {
  /** `trt_fp16_enable`. */
  readonly fp16?: boolean;
  /** `trt_engine_cache_enable` and `trt_engine_cache_path`: where built engines are kept between runs. */
  readonly engineCachePath?: string;
  /** Any other key, passed as written. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** What `SessionOptions.backendOptions['onnx-capi']` may hold. */
export interface OnnxCapiSessionOptions {
  readonly cuda?: CudaProviderOptions;
  readonly tensorrt?: TensorRtProviderOptions;
  /** `SetSessionGraphOptimizationLevel`: 0 none, 1 basic, 2 extended, 99 all (the default). */
  readonly graphOptimizationLevel?: 0 | 1 | 2 | 99;
  /**
   * CUDA: stage feeds and fetched outputs in page-locked host memory (the provider's `CudaPinned` allocator),
   * which the GPU copies to and from faster than pageable memory. Default false.
   */
  readonly pinnedHostMemory?: boolean;
  /** Session configuration entries (`AddSessionConfigEntry`), e.g. `session.intra_op.allow_spinning`. */
  readonly sessionConfig?: Readonly<Record<string, string>>;
  /**
   * Overrides for the session whose `SessionOptions.name` is the key (a bundle names each session after its
   * component: `warping_module`, `spade_generator`, `renderer`, `animal_warping_module`…), applied over the
   * rest of these options as {@link mergeCapiSessionOptions} merges: one options object can run the warping
   * module in NCHW and the generator in NHWC with `fuseConvBias`. Nested `sessions` are ignored.
   */
  readonly sessions?: Readonly<Record<string, OnnxCapiSessionOptions>>;
}

/** The nested option objects merged key by key (the others are replaced whole). */
const nestedOptions = ['cuda', 'tensorrt', 'sessionConfig'] as const;

/**
 * `over` applied to `base`: each field of `over` that is set replaces `base`'s, except `cuda` (its `extra`
 * too), `tensorrt` and `sessionConfig`, merged key by key, and `sessions`, merged name by name this same way:
 * an override names only what it changes.
 */
export function mergeCapiSessionOptions(
  base: OnnxCapiSessionOptions,
  over: OnnxCapiSessionOptions,
): OnnxCapiSessionOptions {
  const merged: Record<string, unknown> = { ...base, ...over };
  for (const key of nestedOptions) {
    if (base[key] && over[key]) merged[key] = { ...base[key], ...over[key] };
  }
  if (base.sessions && over.sessions) {
    const sessions: Record<string, OnnxCapiSessionOptions> = { ...base.sessions };
    for (const [name, options] of Object.entries(over.sessions)) {
      sessions[name] = mergeCapiSessionOptions(sessions[name] ?? {}, options);
    }
    merged.sessions = sessions;
  }
  const cuda = merged.cuda as CudaProviderOptions | undefined;
  if (base.cuda?.extra && over.cuda?.extra && cuda) {
    merged.cuda = { ...cuda, extra: { ...base.cuda.extra, ...over.cuda.extra } };
  }
  return merged as OnnxCapiSessionOptions;
}

/**
 * The options of the session named `name`: the backend's defaults, then the session's own
 * `backendOptions['onnx-capi']`, then the `sessions[name]` override of either (the session's own last).
 */
export function sessionCapiOptions(
  defaults: OnnxCapiSessionOptions | undefined,
  own: OnnxCapiSessionOptions | undefined,
  name: string | undefined,
): OnnxCapiSessionOptions {
  const merged = mergeCapiSessionOptions(defaults ?? {}, own ?? {});
  const { sessions, ...options } = merged;
  const override = name === undefined ? undefined : sessions?.[name];
  if (!override) return options;
  const { sessions: _nested, ...overrideOptions } = override;
  return mergeCapiSessionOptions(options, overrideOptions);
}

const flag = (value: boolean | undefined) => (value === undefined ? undefined : value ? '1' : '0');

/** The CUDA options as the provider's key/value strings (unset fields left out). */
export function cudaOptionEntries(options: CudaProviderOptions, deviceId: number): [string, string][] {
  const entries: Record<string, string | undefined> = {
    device_id: String(options.deviceId ?? deviceId),
    cudnn_conv_algo_search: options.cudnnConvAlgoSearch,
    prefer_nhwc: flag(options.preferNhwc),
    enable_cuda_graph: flag(options.enableCudaGraph),
    use_tf32: flag(options.useTf32),
    fuse_conv_bias: flag(options.fuseConvBias),
    cudnn_conv_use_max_workspace: flag(options.cudnnConvUseMaxWorkspace),
    ...options.extra,
  };
  return Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** The TensorRT options as the provider's key/value strings. */
export function tensorRtOptionEntries(
  options: TensorRtProviderOptions,
  deviceId: number,
): [string, string][] {
  const entries: Record<string, string | undefined> = {
    device_id: String(deviceId),
    trt_fp16_enable: flag(options.fp16),
    trt_engine_cache_enable: options.engineCachePath ? '1' : undefined,
    trt_engine_cache_path: options.engineCachePath,
    ...options.extra,
  };
  return Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** Keeps C strings and the arrays of their addresses alive for one call. */
function stringArrays(runtime: OrtRuntime, entries: readonly [string, string][]) {
  const buffers = entries.flat().map((value) => Buffer.from(`${value}\0`));
  const addresses = buffers.map((buffer) => runtime.library.addressOf(buffer));
  const keys = BigUint64Array.from(addresses.filter((_, i) => i % 2 === 0));
  const values = BigUint64Array.from(addresses.filter((_, i) => i % 2 === 1));
  return { buffers, keys, values };
}

/** Appends the CUDA provider (and TensorRT before it, when asked) to session options. */
export function appendGpuProviders(
  runtime: OrtRuntime,
  sessionOptions: bigint,
  options: OnnxCapiSessionOptions,
  deviceId: number,
): void {
  if (options.tensorrt) {
    appendProvider(runtime, sessionOptions, 'tensorrt', tensorRtOptionEntries(options.tensorrt, deviceId));
  }
  appendProvider(runtime, sessionOptions, 'cuda', cudaOptionEntries(options.cuda ?? {}, deviceId));
}

function appendProvider(
  runtime: OrtRuntime,
  sessionOptions: bigint,
  provider: 'cuda' | 'tensorrt',
  entries: [string, string][],
): void {
  const cuda = provider === 'cuda';
  const kind = cuda ? 'cuda-options' : 'tensorrt-options';
  const providerOptions = runtime.create(
    kind,
    cuda ? 'CreateCUDAProviderOptions' : 'CreateTensorRTProviderOptions',
  );
  try {
    const { buffers, keys, values } = stringArrays(runtime, entries);
    void buffers; // alive until the call returns
    runtime.call(
      cuda ? 'UpdateCUDAProviderOptions' : 'UpdateTensorRTProviderOptions',
      providerOptions,
      keys,
      values,
      entries.length,
    );
    runtime.call(
      cuda
        ? 'SessionOptionsAppendExecutionProvider_CUDA_V2'
        : 'SessionOptionsAppendExecutionProvider_TensorRT_V2',
      sessionOptions,
      providerOptions,
    );
  } finally {
    runtime.release(kind, providerOptions);
  }
}
