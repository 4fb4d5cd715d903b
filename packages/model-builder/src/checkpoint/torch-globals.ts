import type { GlobalBehaviour } from './pickle-globals.js';
import type { GlobalContext } from './pickle-machine.js';
import { describePickleValue, PickleGlobal, type PickleValue, pickleTuple } from './pickle-value.js';
import { type StorageDType, torchDTypes, torchStorageTypes } from './storage-dtype.js';
import { TorchStorage } from './torch-storage.js';

const marker: GlobalBehaviour = {};

/** The element type a `torch.XStorage` (or `torch.storage.XStorage`) global stands for, if it is one. */
export function torchStorageDType(value: PickleValue): StorageDType | undefined {
  if (!(value instanceof PickleGlobal)) return undefined;
  if (value.module !== 'torch' && value.module !== 'torch.storage') return undefined;
  return Object.hasOwn(torchStorageTypes, value.name) ? torchStorageTypes[value.name] : undefined;
}

function integers(value: PickleValue | undefined, what: string, ctx: GlobalContext): number[] {
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isSafeInteger(n))) {
    ctx.fail(`tensor ${what} must be a tuple of ints, got a ${describePickleValue(value ?? null)}`);
  }
  return [...(value as number[])];
}

function rebuild(ctx: GlobalContext, args: readonly PickleValue[], dtype?: StorageDType): PickleValue {
  const [storage, offset, size, stride] = args as unknown[];
  if (!(storage instanceof TorchStorage)) {
    ctx.fail(`a tensor must be rebuilt from a storage, got a ${describePickleValue(storage)}`);
  }
  if (typeof offset !== 'number') ctx.fail('tensor storage offset must be an int');
  const target = {};
  ctx.deferTensor({
    target,
    storage,
    layout: {
      offset,
      dims: integers(size as PickleValue, 'size', ctx),
      strides: integers(stride as PickleValue, 'stride', ctx),
    },
    ...(dtype ? { dtype } : {}),
  });
  return target as PickleValue;
}

function firstArgument(args: readonly PickleValue[], ctx: GlobalContext): PickleValue {
  if (args.length === 0) ctx.fail('expected an argument');
  return args[0]!;
}

const rebuildTensorV3: GlobalBehaviour = {
  call(args: readonly PickleValue[], ctx: GlobalContext) {
    const dtypeGlobal = args[6];
    const dtype =
      dtypeGlobal instanceof PickleGlobal &&
      dtypeGlobal.module === 'torch' &&
      Object.hasOwn(torchDTypes, dtypeGlobal.name)
        ? torchDTypes[dtypeGlobal.name]
        : ctx.fail(`unsupported tensor dtype ${describePickleValue(dtypeGlobal ?? null)}`);
    return rebuild(ctx, args, dtype);
  },
};

const rebuildFromType: GlobalBehaviour = {
  call([func, newType, args]: readonly PickleValue[], ctx: GlobalContext) {
    const plainTypes = ['torch.Tensor', 'torch.nn.parameter.Parameter'];
    if (!(newType instanceof PickleGlobal) || !plainTypes.includes(newType.qualifiedName)) {
      ctx.fail(`tensor subclass ${describePickleValue(newType ?? null)} is not supported`);
    }
    if (!(func instanceof PickleGlobal) || !func.qualifiedName.startsWith('torch._utils._rebuild_')) {
      ctx.fail(`_rebuild_from_type_v2 with ${describePickleValue(func ?? null)} is not supported`);
    }
    const call = torchGlobals.find(([name]) => name === func.qualifiedName)?.[1].call;
    if (!call || !Array.isArray(args)) return ctx.fail('_rebuild_from_type_v2 arguments are malformed');
    return call(args as readonly PickleValue[], ctx);
  },
};

const size: GlobalBehaviour = {
  call: (args, ctx) => pickleTuple(...integers(args[0] ?? pickleTuple(), 'Size', ctx)),
};

/** torch globals that `torch.save` writes for tensors, parameters and storages. */
export const torchGlobals: ReadonlyArray<readonly [string, GlobalBehaviour]> = [
  ['torch._utils._rebuild_tensor', { call: (args, ctx) => rebuild(ctx, args) }],
  ['torch._utils._rebuild_tensor_v2', { call: (args, ctx) => rebuild(ctx, args) }],
  ['torch._utils._rebuild_tensor_v3', rebuildTensorV3],
  ['torch._utils._rebuild_parameter', { call: firstArgument }],
  ['torch._utils._rebuild_parameter_with_state', { call: firstArgument }],
  ['torch._tensor._rebuild_from_type_v2', rebuildFromType],
  ['torch.Size', size],
  ['torch.device', { call: firstArgument }],
  ['torch.Tensor', marker],
  ['torch.nn.parameter.Parameter', marker],
  ...Object.keys(torchStorageTypes).flatMap((name) => [
    [`torch.${name}`, marker] as const,
    [`torch.storage.${name}`, marker] as const,
  ]),
  ...Object.keys(torchDTypes).map((name) => [`torch.${name}`, marker] as const),
];
