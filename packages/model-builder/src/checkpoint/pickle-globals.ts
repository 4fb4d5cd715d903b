import { numpyGlobals } from './numpy-globals.js';
import type { GlobalContext } from './pickle-machine.js';
import { describePickleValue, PickleGlobal, type PickleValue } from './pickle-value.js';
import { torchGlobals } from './torch-globals.js';

/** What an allow-listed global may do: be called (REDUCE) or instantiated (NEWOBJ, INST, OBJ). */
export interface GlobalBehaviour {
  call?(args: readonly PickleValue[], ctx: GlobalContext): PickleValue;
  construct?(args: readonly PickleValue[], ctx: GlobalContext): PickleValue;
}

/** A global that only stands for itself (a class passed as an argument), never run. */
const marker: GlobalBehaviour = {};

// Python 3 writes protocol-2 pickles with Python 2 module names; numpy 2 renamed `core` to `_core`.
const moduleAliases = new Map([
  ['__builtin__', 'builtins'],
  ['copy_reg', 'copyreg'],
  ['numpy.core.multiarray', 'numpy._core.multiarray'],
  ['numpy.core.numeric', 'numpy._core.numeric'],
  ['pathlib._local', 'pathlib'],
]);

function dictFromArgs(args: readonly PickleValue[], ctx: GlobalContext): Map<PickleValue, PickleValue> {
  const source = args[0];
  if (source === undefined || source === null) return new Map();
  ctx.charge(source instanceof Map ? source.size : Array.isArray(source) ? source.length : 0);
  if (source instanceof Map) return new Map(source);
  if (!Array.isArray(source)) ctx.fail(`OrderedDict() of a ${describePickleValue(source)}`);
  return new Map(
    (source as readonly PickleValue[]).map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) ctx.fail('OrderedDict() items must be pairs');
      return [pair[0], pair[1]] as [PickleValue, PickleValue];
    }),
  );
}

function setFromArgs(args: readonly PickleValue[], ctx: GlobalContext): Set<PickleValue> {
  const source = args[0] ?? [];
  if (!Array.isArray(source) && !(source instanceof Set))
    ctx.fail(`set() of a ${describePickleValue(source)}`);
  ctx.charge(source instanceof Set ? source.size : (source as readonly PickleValue[]).length);
  return new Set(source as Iterable<PickleValue>);
}

/** Sets fields with defineProperty, so a field named `__proto__` stays a field. */
function defineFields(target: object, state: PickleValue, ctx: GlobalContext): void {
  const fields = Array.isArray(state) ? state[0] : state;
  if (fields === null || fields === undefined) return;
  if (!(fields instanceof Map)) ctx.fail(`object state must be a dict, got a ${describePickleValue(fields)}`);
  for (const [key, value] of fields) {
    if (typeof key !== 'string')
      ctx.fail(`object field names must be strings, got a ${describePickleValue(key)}`);
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** `argparse.Namespace` and friends: a plain object that a later BUILD fills with the fields. */
function plainObject(args: readonly PickleValue[], ctx: GlobalContext): PickleValue {
  if (args.length > 0) ctx.fail('Namespace() takes no positional arguments');
  const target = {};
  ctx.onBuild(target, (state) => defineFields(target, state, ctx));
  return target;
}

function pathBehaviour(separator: '/' | '\\'): GlobalBehaviour {
  const join = (args: readonly PickleValue[], ctx: GlobalContext) => {
    const parts = args.map((part) => {
      if (typeof part !== 'string')
        ctx.fail(`path parts must be strings, got a ${describePickleValue(part)}`);
      return part;
    });
    ctx.charge(parts.reduce((sum, part) => sum + part.length, 0));
    if (parts.length === 0) return '.';
    const [first, ...rest] = parts as [string, ...string[]];
    const head = first.endsWith(separator) || rest.length === 0 ? first : first + separator;
    return head + rest.join(separator);
  };
  return { call: join, construct: join };
}

const codecsEncode: GlobalBehaviour = {
  call([text, encoding]: readonly PickleValue[], ctx: GlobalContext) {
    if (typeof text !== 'string') ctx.fail(`_codecs.encode of a ${describePickleValue(text)}`);
    ctx.charge(text.length);
    if (encoding === 'utf-8' || encoding === 'utf8') return new TextEncoder().encode(text);
    if (encoding !== 'latin1' && encoding !== 'latin-1' && encoding !== 'iso-8859-1') {
      ctx.fail(`_codecs.encode with encoding ${String(encoding)} is not supported (latin1 and utf-8 are)`);
    }
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) ctx.fail('_codecs.encode: the text is not latin1');
      bytes[i] = code;
    }
    return bytes;
  },
};

const reconstructor: GlobalBehaviour = {
  call([cls, base, state]: readonly PickleValue[], ctx: GlobalContext) {
    if (
      !(base instanceof PickleGlobal) ||
      base.qualifiedName.replace('__builtin__', 'builtins') !== 'builtins.object'
    ) {
      ctx.fail('copyreg._reconstructor is only supported for plain object subclasses');
    }
    if (state !== null && state !== undefined)
      ctx.fail('copyreg._reconstructor with a base state is not supported');
    if (!(cls instanceof PickleGlobal)) ctx.fail('copyreg._reconstructor needs a class');
    const construct = resolveGlobal(cls.module, cls.name)?.construct;
    if (!construct) ctx.fail(`${cls.qualifiedName} cannot be instantiated`);
    return construct([], ctx);
  },
};

const orderedDict: GlobalBehaviour = { call: dictFromArgs, construct: dictFromArgs };
const set: GlobalBehaviour = { call: setFromArgs, construct: setFromArgs };
const posixPath = pathBehaviour('/');
const windowsPath = pathBehaviour('\\');

const allowed = new Map<string, GlobalBehaviour>([
  ['collections.OrderedDict', orderedDict],
  ['builtins.dict', orderedDict],
  ['builtins.set', set],
  ['builtins.frozenset', set],
  ['builtins.object', marker],
  ['copyreg._reconstructor', reconstructor],
  ['_codecs.encode', codecsEncode],
  ['argparse.Namespace', { call: plainObject, construct: plainObject }],
  ['pathlib.Path', posixPath],
  ['pathlib.PosixPath', posixPath],
  ['pathlib.PurePath', posixPath],
  ['pathlib.PurePosixPath', posixPath],
  ['pathlib.WindowsPath', windowsPath],
  ['pathlib.PureWindowsPath', windowsPath],
  ...numpyGlobals,
  ...torchGlobals,
]);

/**
 * The behaviour of an allow-listed global, or undefined for every other global (which the reader then
 * rejects). Allowed: `collections.OrderedDict`, `builtins.set/frozenset/dict/object`,
 * `copyreg._reconstructor`, `_codecs.encode`, `argparse.Namespace`, `pathlib` path classes, numpy array,
 * dtype and scalar reconstruction, and torch tensor, parameter, storage-type, dtype and `Size` rebuilding.
 */
export function resolveGlobal(module: string, name: string): GlobalBehaviour | undefined {
  return allowed.get(`${moduleAliases.get(module) ?? module}.${name}`);
}
