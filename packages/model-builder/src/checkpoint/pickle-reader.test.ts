import { inputLimits, isTensorLike, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { fixture, values } from '../../test/checkpoint-fixtures.js';
import {
  pickleFloat,
  pickleOrderedDict,
  picklePosixPath,
  pickleReduce,
  writePickle,
} from '../synthetic/pickle-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { readPickle } from './pickle-reader.js';
import { isPickleTuple, PickleGlobal, type PickleValue, pickleTuple } from './pickle-value.js';

/** Bytes from latin1 text (pickle opcodes are mostly ASCII) and byte lists. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)),
  );
}

const read = (input: Uint8Array) => readPickle(input, { name: 'test.pkl' }).value;

function readError(input: Uint8Array): CheckpointError {
  try {
    readPickle(input, { name: 'test.pkl' });
  } catch (error) {
    expect(CheckpointError.isInstance(error)).toBe(true);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

function asMap(value: PickleValue): Map<PickleValue, PickleValue> {
  expect(value).toBeInstanceOf(Map);
  return value as Map<PickleValue, PickleValue>;
}

function tensor(value: PickleValue | undefined): TensorLike {
  expect(isTensorLike(value)).toBe(true);
  return value as TensorLike;
}

describe('readPickle on pickles written by Python', () => {
  it('reads protocol 0 text opcodes', () => {
    const p0 =
      '(dp0\nVa\np1\n(lp2\nI1\naF2.5\naVx\xe9\np3\naNaI01\na(I1\nI2\ntp4\nasVb\np5\nL1180591620717411303424L\nsVc\np6\nI-5\nsVd\np7\nc_codecs\nencode\np8\n(V\x01\np9\nVlatin1\np10\ntp11\nRp12\nsVe\np13\nccollections\nOrderedDict\np14\n(tRp15\nVk\np16\nI1\nss.';
    const value = asMap(read(bytes(p0)));
    expect(value.get('a')).toEqual([1, 2.5, 'xé', null, true, [1, 2]]);
    expect(isPickleTuple((value.get('a') as PickleValue[])[5])).toBe(true);
    expect(value.get('b')).toBe(2n ** 70n);
    expect(value.get('c')).toBe(-5);
    expect(value.get('d')).toEqual(new Uint8Array([1]));
    expect(value.get('e')).toEqual(new Map([['k', 1]]));
  });

  it('reads protocol 1 binary opcodes', () => {
    const p1 = bytes(
      '}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01G@\x04\x00\x00\x00\x00\x00\x00X\x03\x00\x00\x00x\xc3\xa9q\x03NI01\n',
      '(K\x01K\x02tq\x04eX\x01\x00\x00\x00bq\x05L1180591620717411303424L\nX\x01\x00\x00\x00cq\x06J\xfb\xff\xff\xffu.',
    );
    const value = asMap(read(p1));
    expect(value.get('a')).toEqual([1, 2.5, 'xé', null, true, [1, 2]]);
    expect(value.get('b')).toBe(2n ** 70n);
    expect(value.get('c')).toBe(-5);
  });

  it('reads protocol 0 objects through copyreg._reconstructor', () => {
    const p0 =
      'ccopy_reg\n_reconstructor\np0\n(cargparse\nNamespace\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n(dp5\n' +
      'Vx\np6\nI1\nsVp\np7\ncpathlib\nPosixPath\np8\n(V/\np9\nVa\np10\nVb\np11\ntp12\nRp13\nsb.';
    expect(read(bytes(p0))).toEqual({ x: 1, p: '/a/b' });
    const notObject = 'ccopy_reg\n_reconstructor\n(cargparse\nNamespace\nc__builtin__\nset\nNtR.';
    expect(readError(bytes(notObject)).message).toContain('plain object subclasses');
  });

  for (const protocol of [2, 5]) {
    it(`rebuilds numpy arrays and scalars (protocol ${protocol})`, () => {
      const value = asMap(read(fixture(`numpy-mix-p${protocol}.pkl`)));
      const f16 = tensor(value.get('f16'));
      expect(f16.type).toBe('float32');
      expect([...f16.data]).toEqual(values(4, 0.5, -1));
      expect(tensor(value.get('f64'))).toEqual({
        type: 'float32',
        dims: [3],
        data: Float32Array.from(values(3, 0.25, 0)),
      });
      // np.arange(6).reshape(2, 3).T: Fortran-ordered data, returned in row-major order.
      expect(tensor(value.get('i64_fortran'))).toEqual({
        type: 'int64',
        dims: [3, 2],
        data: BigInt64Array.from([0n, 3n, 1n, 4n, 2n, 5n]),
      });
      expect([...tensor(value.get('i32')).data]).toEqual([-5, 0, 7]);
      expect(tensor(value.get('u8'))).toEqual({
        type: 'uint8',
        dims: [3],
        data: Uint8Array.from([0, 128, 255]),
      });
      expect(tensor(value.get('bools'))).toEqual({
        type: 'bool',
        dims: [3],
        data: Uint8Array.from([1, 0, 1]),
      });
      expect([...tensor(value.get('big_endian')).data]).toEqual([1.5, -2.25]);
      expect(value.get('scalar')).toBe(2.5);
      expect(value.get('int_scalar')).toBe(-3);
      expect(value.get('f64_scalar')).toBe(0.1);
      const nested = asMap(value.get('nested')!);
      expect(nested.get('list')).toEqual([1, 2.5, 'x', null, true]);
      expect(nested.get('tuple')).toEqual([1, [2, 3]]);
      expect(nested.get('bytes')).toEqual(Uint8Array.from([0, 255]));
    });
  }
});

describe('readPickle refuses code', () => {
  it.each([
    ['os.system via GLOBAL', bytes('\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.'), 'os.system'],
    ['posix.system via GLOBAL (Python-written)', fixture('os-system-p2.pkl'), 'posix.system'],
    ['posix.system via STACK_GLOBAL (Python-written)', fixture('os-system-p4.pkl'), 'posix.system'],
    ['builtins.eval via STACK_GLOBAL (Python-written)', fixture('builtins-eval-p4.pkl'), 'builtins.eval'],
    ['builtins.getattr', bytes('\x80\x02c__builtin__\ngetattr\n.'), '__builtin__.getattr'],
    ['nt.system', bytes('\x80\x04\x8c\x02nt\x8c\x06system\x93.'), 'nt.system'],
    ['subprocess.Popen', bytes('csubprocess\nPopen\n(S"ls"\ntR.'), 'subprocess.Popen'],
    ['an unknown class', bytes('\x80\x02cmymodule\nMyModel\n)\x81.'), 'mymodule.MyModel'],
    ['INST on os.system', bytes("(S'ls'\nios\nsystem\n."), 'os.system'],
    ['OBJ on an unknown class', bytes('(cevil\nThing\no.'), 'evil.Thing'],
  ])('rejects %s, naming the global', (_, input, name) => {
    const error = readError(input);
    expect(error.message).toContain(`refuses global ${name}`);
    expect(error.message).toContain('test.pkl');
  });

  it('refuses to call an allowed marker or instantiate an allowed function', () => {
    expect(readError(bytes('\x80\x02ctorch\nFloatStorage\n)R.')).message).toContain('cannot be called');
    expect(readError(bytes('(c_codecs\nencode\nS"x"\no.')).message).toContain('cannot be instantiated');
    expect(readError(bytes('\x80\x02X\x01\x00\x00\x00x)R.')).message).toContain('cannot call a str');
  });

  it('rejects the extension registry and out-of-band buffers', () => {
    expect(readError(bytes('\x80\x02\x82\x01.')).message).toContain('EXT1');
    expect(readError(bytes('\x80\x05\x97.')).message).toContain('NEXT_BUFFER');
  });

  it('instantiates allowed classes through INST and OBJ', () => {
    expect(read(bytes('(iargparse\nNamespace\n}Vx\nI1\nsb.'))).toEqual({ x: 1 });
    expect(read(bytes('(cargparse\nNamespace\no}Vy\nI2\nsb.'))).toEqual({ y: 2 });
  });

  it('keeps a field named __proto__ as a field', () => {
    const value = read(
      bytes('\x80\x02cargparse\nNamespace\n)\x81}X\t\x00\x00\x00__proto__K\x07sb.'),
    ) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(7);
  });
});

describe('readPickle on broken input', () => {
  it.each([
    ['a pickle without STOP', bytes('\x80\x02K\x01'), 'without a STOP'],
    ['a string cut short', bytes('\x80\x02X\x05\x00\x00\x00ab'), 'truncated'],
    ['an absurd length', bytes('\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7f.'), 'impossibly large'],
    ['an unknown opcode', bytes('\x80\x02\xff.'), 'no pickle opcode'],
    ['an empty stack', bytes('\x80\x02R.'), 'stack is empty'],
    ['a missing memo entry', bytes('\x80\x02h\x05.'), 'memo entry 5'],
    ['a newer protocol', bytes('\x80\x06N.'), 'protocol 6'],
    ['an append to a tuple', bytes('\x80\x02)K\x01a.'), 'cannot append to a tuple'],
    ['two values at STOP', bytes('\x80\x02K\x01K\x02.'), 'holds 2 values'],
    ['a persistent id without a loader', bytes('\x80\x02X\x01\x00\x00\x000Q.'), 'readTorchCheckpoint'],
    [
      'a numpy array without data',
      bytes('\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R.'),
      'never received its data',
    ],
    ['an empty file', new Uint8Array(0), 'without a STOP'],
  ])('rejects %s', (_, input, message) => {
    expect(readError(input).message).toContain(message);
  });

  it('reads containers with more items than a call takes arguments', () => {
    const count = 200_000;
    const items = Array.from({ length: count }, () => 'K\x01').join('');
    const tuple = read(bytes(`\x80\x02(${items}t.`)) as PickleValue[];
    expect(tuple).toHaveLength(count);
    expect(isPickleTuple(tuple)).toBe(true);
    expect(read(bytes(`\x80\x02](${items}e.`))).toHaveLength(count);
  });

  it('refuses a 200 kB LONG4 integer and reads one at the limit exactly', () => {
    const long4 = (length: number, fill: number) => {
      const header = [0x80, 0x02, 0x8b, length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, 0];
      return Uint8Array.from([...header, ...new Uint8Array(length).fill(fill), 0x2e]);
    };
    expect(readError(long4(200_000, 0x11)).message).toMatch(/integer of 200000 bytes exceeds the 4096-byte/);
    expect(read(long4(inputLimits.pickleMaxLongBytes, 0x01))).toBe(
      BigInt(`0x${'01'.repeat(inputLimits.pickleMaxLongBytes)}`),
    );
    expect(read(long4(inputLimits.pickleMaxLongBytes, 0xff))).toBe(-1);
    expect(read(bytes('\x80\x02\x8a\x02\x00\x80.'))).toBe(-32768);
  });

  it('rejects a truncated Python-written pickle', () => {
    const whole = fixture('numpy-mix-p2.pkl');
    for (const cut of [1, whole.length / 2, whole.length - 1]) {
      expect(readError(whole.subarray(0, Math.floor(cut))).message).toMatch(/truncated|STOP/);
    }
  });
});

describe('writePickle → readPickle', () => {
  it('round-trips every writable type', () => {
    const value = new Map<PickleValue, PickleValue>([
      ['none', null],
      ['bools', [true, false]],
      ['ints', [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1)]],
      ['bigints', [2n ** 64n, -(2n ** 64n) - 1n, 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n)]],
      ['floats', [0.5, -1e-300, Number.POSITIVE_INFINITY, 1e300]],
      ['strings', ['', 'ascii', 'ünïcödé 文字 😀']],
      ['bytes', Uint8Array.from([0, 1, 127, 128, 255])],
      [
        'tuples',
        pickleTuple(
          pickleTuple(),
          pickleTuple(1),
          pickleTuple(1, 2),
          pickleTuple(1, 2, 3),
          pickleTuple(1, 2, 3, 4),
        ),
      ],
      [
        'nested',
        new Map<PickleValue, PickleValue>([
          [1, 'int key'],
          ['list', [[], [1]]],
        ]),
      ],
      ['set', new Set<PickleValue>([1, 'a'])],
      ['namespace', { lr: 0.0001, name: 'x', inner: { depth: 2 } }],
      ['global', new PickleGlobal('torch', 'FloatStorage')],
    ]);
    const back = read(writePickle(value as never));
    expect(back).toEqual(value);
    const tuples = asMap(back).get('tuples') as PickleValue[];
    expect(tuples.every((tuple) => isPickleTuple(tuple))).toBe(true);
    expect(isPickleTuple(asMap(back).get('bools'))).toBe(false);
  });

  it('reads back ints as numbers when they are exact', () => {
    expect(read(writePickle([128n, -129n, 0n, 2n ** 53n - 1n]))).toEqual([128, -129, 0, 2 ** 53 - 1]);
  });

  it('writes floats, OrderedDicts, paths and reductions', () => {
    const value = {
      whole: pickleFloat(25),
      nan: pickleFloat(Number.NaN),
      state: pickleOrderedDict(new Map([['a', 1]])),
      root: picklePosixPath('/data/joyvasa'),
      relative: picklePosixPath('runs/x'),
      codec: pickleReduce(new PickleGlobal('_codecs', 'encode'), ['\xff', 'latin1']),
    };
    const back = read(writePickle(value)) as Record<string, PickleValue>;
    expect(back.whole).toBe(25);
    expect(back.nan).toBeNaN();
    expect(back.state).toEqual(new Map([['a', 1]]));
    expect(back.root).toBe('/data/joyvasa');
    expect(back.relative).toBe('runs/x');
    expect(back.codec).toEqual(Uint8Array.from([255]));
  });

  it('refuses values it cannot write', () => {
    const cyclic: PickleValue[] = [];
    cyclic.push(cyclic);
    expect(() => writePickle(cyclic)).toThrow(/contains itself/);
    expect(() => writePickle({ type: 'float32', dims: [1], data: new Float32Array(1) })).toThrow(
      /writeTorchCheckpoint/,
    );
    expect(() => writePickle(new Date() as never)).toThrow(/cannot write a Date/);
  });
});

/** `set(set(…set([0, 1, …, items − 1])…))`, `levels` deep: each level used to copy the whole set. */
function reduceChain(items: number, levels: number): Uint8Array {
  const parts: number[] = [0x80, 2, ...bytes('c__builtin__\nset\nq\x00')];
  for (let i = 1; i < levels; i++) parts.push(0x68, 0); // BINGET 0: the callable of each level
  parts.push(0x5d, 0x28); // EMPTY_LIST, MARK
  for (let i = 0; i < items; i++) parts.push(0x4a, i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 0);
  parts.push(0x65); // APPENDS
  for (let i = 0; i < levels; i++) parts.push(0x85, 0x52); // TUPLE1, REDUCE
  parts.push(0x2e);
  return Uint8Array.from(parts);
}

describe('readPickle work budget', () => {
  it('refuses a REDUCE chain that copies far more than the file holds, before doing the work', () => {
    // 100 KB that used to make 40 million copies (a 640 KB version ran past 60 s).
    const error = readError(reduceChain(20_000, 2_000));
    expect(error.message).toMatch(/copies more than \d+ elements after \d+ bytes .*corrupt or hostile/);
  });

  it('still reads a short chain and a large flat set', () => {
    expect((read(reduceChain(10, 50)) as Set<PickleValue>).size).toBe(10);
    expect((read(reduceChain(200_000, 2)) as Set<PickleValue>).size).toBe(200_000);
  });
});
