import { describe, expect, it } from 'vitest';
import { DeviceTensorRegistry } from './device-tensor-registry.js';
import { SessionRunError } from './errors.js';

function registryWithLog() {
  const freed: string[] = [];
  const registry = new DeviceTensorRegistry<string>();
  const hold = (owner: object, device: string, value: string) =>
    registry.hold({ owner, device, type: 'float32', dims: [2], value, free: () => freed.push(value) });
  return { registry, hold, freed };
}

const refusal = (take: () => unknown) => {
  try {
    take();
  } catch (error) {
    return error as SessionRunError;
  }
  throw new Error('expected a refusal');
};

describe('DeviceTensorRegistry', () => {
  it('lends any session on the same device the value, and refuses another device naming the input', () => {
    const { registry, hold } = registryWithLog();
    const tensor = hold({}, 'cuda:0', 'a');
    expect(tensor.dims).toEqual([2]);
    expect(registry.borrow('generator', 'feature', tensor, 'cuda:0').value).toBe('a');
    const error = refusal(() => registry.borrow('generator', 'feature', tensor, 'cpu'));
    expect(SessionRunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/generator.*input feature .*on cuda:0.*runs on cpu/);
  });

  it('frees once on dispose, then refuses the tensor as disposed', async () => {
    const { registry, hold, freed } = registryWithLog();
    const tensor = hold({}, 'cpu', 'a');
    await tensor.dispose();
    await tensor.dispose();
    expect(freed).toEqual(['a']);
    expect(registry.size).toBe(0);
    expect(refusal(() => registry.borrow('g', 'x', tensor, 'cpu')).message).toMatch(/input x .*disposed/);
  });

  it('waits for the runs using a value before freeing it', async () => {
    const { registry, hold, freed } = registryWithLog();
    const tensor = hold({}, 'cpu', 'a');
    const [first, second] = [
      registry.borrow('g', 'x', tensor, 'cpu'),
      registry.borrow('g', 'x', tensor, 'cpu'),
    ];
    const disposed = tensor.dispose();
    expect(refusal(() => registry.borrow('g', 'x', tensor, 'cpu')).message).toMatch(/disposed/);
    first.done();
    first.done();
    expect(freed).toEqual([]);
    second.done();
    await disposed;
    expect(freed).toEqual(['a']);
  });

  it("frees what a session made when it is disposed, and leaves the others' tensors", async () => {
    const { registry, hold, freed } = registryWithLog();
    const [a, b] = [{}, {}];
    hold(a, 'cpu', 'a1');
    hold(a, 'cpu', 'a2');
    const kept = hold(b, 'cpu', 'b1');
    await registry.releaseOwnedBy(a);
    expect(freed).toEqual(['a1', 'a2']);
    expect(registry.borrow('g', 'x', kept, 'cpu').value).toBe('b1');
  });
});
