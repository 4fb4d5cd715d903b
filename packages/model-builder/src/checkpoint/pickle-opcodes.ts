import { inputLimits } from '@joyvasa/core';
import { latin1, type PickleMachine } from './pickle-machine.js';
import { describePickleValue, isPickleTuple, type PickleValue, pickleTuple } from './pickle-value.js';

/** One opcode: its pickletools name and what it does to the machine. */
export interface Opcode {
  readonly name: string;
  run(m: PickleMachine): void;
}

const opcodes = new Map<number, Opcode>();
const def = (code: string | number, name: string, run: (m: PickleMachine) => void) =>
  opcodes.set(typeof code === 'number' ? code : code.charCodeAt(0), { name, run });

/** The opcode with this byte value, or undefined for bytes no pickle protocol defines. */
export function opcodeFor(byte: number): Opcode | undefined {
  return opcodes.get(byte);
}

/** Turns an arbitrary-size integer into a number when it is exact, else a bigint. */
function integer(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/**
 * Little-endian two's-complement integer (LONG1 / LONG4), at most {@link inputLimits.pickleMaxLongBytes}:
 * checkpoints hold small integers, and a megabyte-long one is a denial-of-service attempt.
 */
function longFromBytes(m: PickleMachine, bytes: Uint8Array): number | bigint {
  if (bytes.length > inputLimits.pickleMaxLongBytes) {
    m.fail(
      `an integer of ${bytes.length} bytes exceeds the ${inputLimits.pickleMaxLongBytes}-byte limit; ` +
        'the file is corrupt or hostile',
    );
  }
  if (bytes.length === 0) return 0;
  // One hex parse is linear; shifting a growing bigint byte by byte is quadratic in the length.
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return integer(value);
}

function textInteger(m: PickleMachine, text: string): number | bigint {
  const digits = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(digits)) m.fail(`'${text}' is not an integer`);
  return integer(BigInt(digits));
}

/** Python 2 `repr()` of a str (STRING opcode): quotes and backslash escapes. */
function unquote(m: PickleMachine, text: string): string {
  const quote = text[0];
  if (text.length < 2 || (quote !== "'" && quote !== '"') || text[text.length - 1] !== quote) {
    m.fail('STRING argument is not quoted');
  }
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"' };
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code[0] === 'x') return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(Number.parseInt(code, 8) & 0xff);
    return escapes[code] ?? m.fail(`unsupported escape \\${code} in STRING`);
  });
}

function rawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short?: string, long?: string) =>
    String.fromCodePoint(Number.parseInt(short ?? long!, 16)),
  );
}

function append(m: PickleMachine, items: PickleValue[]): void {
  const list = m.top();
  if (!Array.isArray(list) || isPickleTuple(list)) m.fail(`cannot append to a ${describePickleValue(list)}`);
  // A loop, not push(...items): a hostile APPENDS may carry more items than a call takes arguments.
  for (const item of items) (list as PickleValue[]).push(item);
}

function setItems(m: PickleMachine, items: PickleValue[]): void {
  const dict = m.top();
  if (!(dict instanceof Map)) m.fail(`cannot set items on a ${describePickleValue(dict)}`);
  if (items.length % 2 !== 0) m.fail('odd number of items for a dict');
  for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
}

function addItems(m: PickleMachine, items: PickleValue[]): void {
  const set = m.top();
  if (!(set instanceof Set)) m.fail(`cannot add items to a ${describePickleValue(set)}`);
  for (const item of items) set.add(item);
}

function dictFrom(m: PickleMachine, items: PickleValue[]): Map<PickleValue, PickleValue> {
  if (items.length % 2 !== 0) m.fail('odd number of items for a dict');
  const dict = new Map<PickleValue, PickleValue>();
  for (let i = 0; i < items.length; i += 2) dict.set(items[i]!, items[i + 1]!);
  return dict;
}

function persistent(m: PickleMachine, pid: PickleValue): void {
  if (!m.persistentLoad) {
    m.fail('references external storage (a persistent id); read this file with readTorchCheckpoint');
  }
  m.push(m.persistentLoad(pid));
}

function construct(m: PickleMachine, cls: PickleValue, args: readonly PickleValue[]): void {
  m.push(m.behaviour(cls, 'construct')(args, m));
}

function stackGlobal(m: PickleMachine): void {
  const name = m.pop();
  const module = m.pop();
  if (typeof module !== 'string' || typeof name !== 'string') m.fail('module and name must be strings');
  m.push(m.global(module, name));
}

// Stack and memo.
def('(', 'MARK', (m) => m.mark());
def('0', 'POP', (m) => void m.pop());
def('1', 'POP_MARK', (m) => void m.popMark());
def('2', 'DUP', (m) => m.push(m.top()));
def('p', 'PUT', (m) => m.memo.set(Number(textInteger(m, m.line())), m.top()));
def('q', 'BINPUT', (m) => m.memo.set(m.u8(), m.top()));
def('r', 'LONG_BINPUT', (m) => m.memo.set(m.u32(), m.top()));
def(0x94, 'MEMOIZE', (m) => m.memo.set(m.memo.size, m.top()));
def('g', 'GET', (m) => m.push(m.memoGet(Number(textInteger(m, m.line())))));
def('h', 'BINGET', (m) => m.push(m.memoGet(m.u8())));
def('j', 'LONG_BINGET', (m) => m.push(m.memoGet(m.u32())));
def(0x95, 'FRAME', (m) => void m.u64());
def(0x80, 'PROTO', (m) => {
  const protocol = m.u8();
  if (protocol > 5)
    m.fail(`protocol ${protocol} is newer than this reader (0–5); re-save with protocol <= 5`);
});

// Scalars.
def('N', 'NONE', (m) => m.push(null));
def(0x88, 'NEWTRUE', (m) => m.push(true));
def(0x89, 'NEWFALSE', (m) => m.push(false));
def('I', 'INT', (m) => {
  const text = m.line();
  m.push(text === '01' ? true : text === '00' ? false : textInteger(m, text));
});
def('J', 'BININT', (m) => m.push(m.i32()));
def('K', 'BININT1', (m) => m.push(m.u8()));
def('M', 'BININT2', (m) => m.push(m.u16()));
def('L', 'LONG', (m) => m.push(textInteger(m, m.line())));
def(0x8a, 'LONG1', (m) => m.push(longFromBytes(m, m.raw(m.u8()))));
def(0x8b, 'LONG4', (m) => m.push(longFromBytes(m, m.raw(m.i32()))));
def('F', 'FLOAT', (m) => {
  const value = Number(m.line());
  if (Number.isNaN(value)) m.fail('FLOAT argument is not a number');
  m.push(value);
});
def('G', 'BINFLOAT', (m) => m.push(m.view.getFloat64(m.take(8), false)));

// Strings and bytes. Python 2 str (STRING, BINSTRING) is kept as latin1 text, which numpy decodes back to bytes.
def('S', 'STRING', (m) => m.push(unquote(m, m.line())));
def('T', 'BINSTRING', (m) => m.push(latin1(m.raw(m.i32()))));
def('U', 'SHORT_BINSTRING', (m) => m.push(latin1(m.raw(m.u8()))));
def('V', 'UNICODE', (m) => m.push(rawUnicodeEscape(m.line())));
def('X', 'BINUNICODE', (m) => m.push(m.utf8(m.u32())));
def(0x8c, 'SHORT_BINUNICODE', (m) => m.push(m.utf8(m.u8())));
def(0x8d, 'BINUNICODE8', (m) => m.push(m.utf8(m.u64())));
def('B', 'BINBYTES', (m) => m.push(m.raw(m.u32())));
def('C', 'SHORT_BINBYTES', (m) => m.push(m.raw(m.u8())));
def(0x8e, 'BINBYTES8', (m) => m.push(m.raw(m.u64())));
// A bytearray is mutable in Python; copy (not Buffer#slice, which would share memory).
def(0x96, 'BYTEARRAY8', (m) => m.push(new Uint8Array(m.raw(m.u64()))));

// Containers.
def(')', 'EMPTY_TUPLE', (m) => m.push(pickleTuple()));
def('t', 'TUPLE', (m) => m.push(Object.freeze(m.popMark())));
def(0x85, 'TUPLE1', (m) => m.push(pickleTuple(m.pop())));
def(0x86, 'TUPLE2', (m) => {
  const second = m.pop();
  m.push(pickleTuple(m.pop(), second));
});
def(0x87, 'TUPLE3', (m) => {
  const third = m.pop();
  const second = m.pop();
  m.push(pickleTuple(m.pop(), second, third));
});
def(']', 'EMPTY_LIST', (m) => m.push([]));
def('l', 'LIST', (m) => m.push(m.popMark()));
def('a', 'APPEND', (m) => {
  const item = m.pop();
  append(m, [item]);
});
def('e', 'APPENDS', (m) => append(m, m.popMark()));
def('}', 'EMPTY_DICT', (m) => m.push(new Map()));
def('d', 'DICT', (m) => m.push(dictFrom(m, m.popMark())));
def('s', 'SETITEM', (m) => {
  const value = m.pop();
  const key = m.pop();
  setItems(m, [key, value]);
});
def('u', 'SETITEMS', (m) => setItems(m, m.popMark()));
def(0x8f, 'EMPTY_SET', (m) => m.push(new Set()));
def(0x90, 'ADDITEMS', (m) => addItems(m, m.popMark()));
def(0x91, 'FROZENSET', (m) => m.push(new Set(m.popMark())));

// Objects: every path to a callable goes through the allow-list in PickleMachine.global.
def('c', 'GLOBAL', (m) => {
  const module = m.line();
  m.push(m.global(module, m.line()));
});
def(0x93, 'STACK_GLOBAL', stackGlobal);
def('R', 'REDUCE', (m) => {
  const args = m.args(m.pop());
  m.push(m.behaviour(m.pop(), 'call')(args, m));
});
def(0x81, 'NEWOBJ', (m) => {
  const args = m.args(m.pop());
  construct(m, m.pop(), args);
});
def(0x92, 'NEWOBJ_EX', (m) => {
  const kwargs = m.pop();
  const args = m.args(m.pop());
  if (!(kwargs instanceof Map) || kwargs.size > 0)
    m.fail('keyword arguments to a constructor are not supported');
  construct(m, m.pop(), args);
});
def('i', 'INST', (m) => {
  const module = m.line();
  const cls = m.global(module, m.line());
  construct(m, cls, m.popMark());
});
def('o', 'OBJ', (m) => {
  const [cls, ...args] = m.popMark();
  if (cls === undefined) return m.fail('OBJ without a class');
  construct(m, cls, args);
});
def('b', 'BUILD', (m) => m.build());
def('P', 'PERSID', (m) => persistent(m, m.line()));
def('Q', 'BINPERSID', (m) => persistent(m, m.pop()));
def(0x98, 'READONLY_BUFFER', () => {});
for (const [code, name] of [
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x97, 'NEXT_BUFFER'],
] as const) {
  def(code, name, (m) =>
    m.fail('is not supported: checkpoints never use the extension registry or out-of-band buffers'),
  );
}
