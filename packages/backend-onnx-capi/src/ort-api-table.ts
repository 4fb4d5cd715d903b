/**
 * The OrtApi functions this backend calls: each one's slot in the function table that
 * `OrtGetApiBase()->GetApi(version)` returns, and its C signature in koffi's syntax. onnxruntime only ever
 * appends to that table (its source asserts the size of every shipped version), so a slot below
 * {@link ortApiVersion}'s end means the same function in every later runtime. Pointers are `void *`
 * (BigInt in JavaScript); every `OrtStatus *` result is null on success.
 *
 * Slots read from `ort_api_1_to_17` in onnxruntime's `onnxruntime/core/session/onnxruntime_c_api.cc` and
 * checked against its version-size assertions (version 1 ends at 101, 11 at 209, 16 at 265).
 */
export const ortApiVersion = 17;

const status = 'void *';

/** Name → [slot, result type, argument types]. */
export const ortApiFunctions = {
  GetErrorCode: [1, 'int', ['void *']],
  GetErrorMessage: [2, 'const char *', ['void *']],
  CreateEnv: [3, status, ['int', 'const char *', 'void *']],
  CreateSessionFromArray: [8, status, ['void *', 'void *', 'size_t', 'void *', 'void *']],
  CreateSessionOptions: [10, status, ['void *']],
  SetSessionGraphOptimizationLevel: [23, status, ['void *', 'int']],
  SetIntraOpNumThreads: [24, status, ['void *', 'int']],
  SessionGetInputCount: [30, status, ['void *', 'void *']],
  SessionGetOutputCount: [31, status, ['void *', 'void *']],
  SessionGetInputTypeInfo: [33, status, ['void *', 'size_t', 'void *']],
  SessionGetOutputTypeInfo: [34, status, ['void *', 'size_t', 'void *']],
  SessionGetInputName: [36, status, ['void *', 'size_t', 'void *', 'void *']],
  SessionGetOutputName: [37, status, ['void *', 'size_t', 'void *', 'void *']],
  CreateRunOptions: [39, status, ['void *']],
  RunOptionsSetTerminate: [46, status, ['void *']],
  RunOptionsUnsetTerminate: [47, status, ['void *']],
  CreateTensorAsOrtValue: [48, status, ['void *', 'void *', 'size_t', 'int', 'void *']],
  CreateTensorWithDataAsOrtValue: [
    49,
    status,
    ['void *', 'void *', 'size_t', 'void *', 'size_t', 'int', 'void *'],
  ],
  GetTensorMutableData: [51, status, ['void *', 'void *']],
  CastTypeInfoToTensorInfo: [55, status, ['void *', 'void *']],
  GetOnnxTypeFromTypeInfo: [56, status, ['void *', 'void *']],
  GetTensorElementType: [60, status, ['void *', 'void *']],
  GetDimensionsCount: [61, status, ['void *', 'void *']],
  GetDimensions: [62, status, ['void *', 'void *', 'size_t']],
  GetTensorTypeAndShape: [65, status, ['void *', 'void *']],
  CreateMemoryInfo: [68, status, ['const char *', 'int', 'int', 'int', 'void *']],
  CreateCpuMemoryInfo: [69, status, ['int', 'int', 'void *']],
  AllocatorFree: [76, status, ['void *', 'void *']],
  GetAllocatorWithDefaultOptions: [78, status, ['void *']],
  ReleaseStatus: [93, 'void', ['void *']],
  ReleaseMemoryInfo: [94, 'void', ['void *']],
  ReleaseSession: [95, 'void', ['void *']],
  ReleaseValue: [96, 'void', ['void *']],
  ReleaseRunOptions: [97, 'void', ['void *']],
  ReleaseTypeInfo: [98, 'void', ['void *']],
  ReleaseTensorTypeAndShapeInfo: [99, 'void', ['void *']],
  ReleaseSessionOptions: [100, 'void', ['void *']],
  // Version 3's last slot: `(OrtSessionOptions *, const char *dim_name, int64_t dim_value)`.
  AddFreeDimensionOverrideByName: [124, status, ['void *', 'const char *', 'int64_t']],
  GetAvailableProviders: [125, status, ['void *', 'void *']],
  ReleaseAvailableProviders: [126, status, ['void *', 'int']],
  AddSessionConfigEntry: [130, status, ['void *', 'const char *', 'const char *']],
  CreateAllocator: [131, status, ['void *', 'void *', 'void *']],
  ReleaseAllocator: [132, 'void', ['void *']],
  RunWithBinding: [133, status, ['void *', 'void *', 'void *']],
  CreateIoBinding: [134, status, ['void *', 'void *']],
  ReleaseIoBinding: [135, 'void', ['void *']],
  BindInput: [136, status, ['void *', 'const char *', 'void *']],
  BindOutput: [137, status, ['void *', 'const char *', 'void *']],
  BindOutputToDevice: [138, status, ['void *', 'const char *', 'void *']],
  GetBoundOutputValues: [140, status, ['void *', 'void *', 'void *', 'void *']],
  ClearBoundInputs: [141, 'void', ['void *']],
  ClearBoundOutputs: [142, 'void', ['void *']],
  AddRunConfigEntry: [165, status, ['void *', 'const char *', 'const char *']],
  SessionOptionsAppendExecutionProvider_TensorRT_V2: [170, status, ['void *', 'void *']],
  CreateTensorRTProviderOptions: [171, status, ['void *']],
  UpdateTensorRTProviderOptions: [172, status, ['void *', 'void *', 'void *', 'size_t']],
  ReleaseTensorRTProviderOptions: [174, 'void', ['void *']],
  SessionOptionsAppendExecutionProvider_CUDA_V2: [204, status, ['void *', 'void *']],
  CreateCUDAProviderOptions: [205, status, ['void *']],
  UpdateCUDAProviderOptions: [206, status, ['void *', 'void *', 'void *', 'size_t']],
  ReleaseCUDAProviderOptions: [208, 'void', ['void *']],
} as const satisfies Record<string, readonly [number, string, readonly string[]]>;

/** The name of an OrtApi function bound here. */
export type OrtApiName = keyof typeof ortApiFunctions;
