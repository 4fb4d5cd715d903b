import type { OrtRuntime } from './ort-runtime.js';

/**
 * The output values a binding holds after a run, in binding order. Each is a new counted `value` the
 * caller must release; the array the runtime allocated for them is freed here.
 */
export function takeBoundOutputs(runtime: OrtRuntime, binding: bigint): bigint[] {
  const array = new BigUint64Array(1);
  const count = new BigUint64Array(1);
  runtime.call('GetBoundOutputValues', binding, runtime.cpuAllocator, array, count);
  const length = Number(count[0]);
  if (length === 0 || array[0] === 0n) return [];
  try {
    const values = [...new BigUint64Array(runtime.library.view(array[0]!, length * 8).slice(0))];
    for (const _ of values) runtime.objects.created('value');
    return values;
  } finally {
    runtime.call('AllocatorFree', runtime.cpuAllocator, array[0]);
  }
}
