import { PickleGlobal, pickleTuple } from '../checkpoint/pickle-value.js';
import { type PickleWritable, pickleReduce } from './pickle-writer.js';

const reconstruct = new PickleGlobal('numpy.core.multiarray', '_reconstruct');
const ndarray = new PickleGlobal('numpy', 'ndarray');
const dtype = new PickleGlobal('numpy', 'dtype');

/**
 * A 1-D numpy float32 array as `pickle.dumps(array, protocol=2)` writes it:
 * `_reconstruct(ndarray, (0,), b'b')` then `__setstate__((1, shape, dtype('<f4'), False, raw bytes))`.
 */
export function numpyArrayPickle(values: Float32Array): PickleWritable {
  const float32 = pickleReduce(
    dtype,
    ['f4', false, true],
    pickleTuple<PickleWritable>(3, '<', null, null, null, -1, -1, 0),
  );
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return pickleReduce(
    reconstruct,
    [ndarray, pickleTuple(0), new TextEncoder().encode('b')],
    pickleTuple<PickleWritable>(1, pickleTuple(values.length), float32, false, raw),
  );
}
