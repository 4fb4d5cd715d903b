import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import {
  chooseFastestVariant,
  createMemoryVariantChoiceCache,
  outputDifference,
  outputDifferences,
  type VariantCandidate,
  type VariantTimingKey,
  variantTimingKey,
} from './choose-fastest-variant.js';

const key: VariantTimingKey = {
  component: 'renderer',
  device: 'NVIDIA H100 80GB HBM3',
  driver: '580.159.04',
  runtime: 'onnxruntime-node 1.29.0 cuda',
  precision: 'fp16',
  batch: 8,
  candidates: 'sha-a,sha-b,sha-c',
};

/** Forms whose runs take `milliseconds` on a fake clock; a log of what was opened, run and closed. */
function fakeForms(forms: Record<string, { milliseconds: number; output?: number[]; failOpen?: boolean }>) {
  let now = 0;
  const log: string[] = [];
  const open = new Set<string>();
  let mostOpen = 0;
  const candidates: VariantCandidate<string>[] = Object.entries(forms).map(([id, form]) => ({
    id,
    open: async () => {
      if (form.failOpen) throw new Error(`${id}: op not implemented`);
      log.push(`open ${id}`);
      open.add(id);
      mostOpen = Math.max(mostOpen, open.size);
      return id;
    },
    run: async (handle): Promise<TensorLike> => {
      log.push(`run ${handle}`);
      now += form.milliseconds;
      return createTensor('float32', [3], Float32Array.from(form.output ?? [0.25, 0.5, 0.75]));
    },
    close: async (handle) => {
      log.push(`close ${handle}`);
      open.delete(handle);
    },
  }));
  return { candidates, clock: () => now, log, open, mostOpen: () => mostOpen };
}

describe('chooseFastestVariant', () => {
  it('times every form, keeps the fastest open, closes the others and remembers the choice', async () => {
    const forms = fakeForms({
      official: { milliseconds: 30 },
      padded: { milliseconds: 20 },
      folded: { milliseconds: 25 },
    });
    const cache = createMemoryVariantChoiceCache();
    const chosen = await chooseFastestVariant({ ...forms, key, cache, warmups: 2, runs: 3 });
    expect(chosen).toMatchObject({ id: 'padded', handle: 'padded', source: 'timed' });
    expect(chosen.timings).toEqual({ official: 30, padded: 20, folded: 25 });
    expect([...forms.open]).toEqual(['padded']);
    expect(forms.mostOpen()).toBe(2);
    // 2 warm-ups and 3 timed runs per form.
    expect(forms.log.filter((line) => line === 'run folded')).toHaveLength(5);

    const again = fakeForms({
      official: { milliseconds: 30 },
      padded: { milliseconds: 20 },
      folded: { milliseconds: 25 },
    });
    const second = await chooseFastestVariant({ ...again, key, cache });
    expect(second).toMatchObject({ id: 'padded', source: 'cache' });
    expect(again.log).toEqual(['open padded']);
  });

  it('times again for another batch, precision, device, driver, runtime or bundle', async () => {
    const cache = createMemoryVariantChoiceCache();
    const forms = () => fakeForms({ official: { milliseconds: 10 }, padded: { milliseconds: 20 } });
    await chooseFastestVariant({ ...forms(), key, cache });
    for (const change of [
      { batch: 1 },
      { precision: 'fp32' },
      { driver: '590.1' },
      { candidates: 'sha-d' },
    ]) {
      const chosen = await chooseFastestVariant({ ...forms(), key: { ...key, ...change }, cache });
      expect(chosen.source).toBe('timed');
    }
    expect((await chooseFastestVariant({ ...forms(), key, cache })).source).toBe('cache');
  });

  it('passes over a form that disagrees with the official output, however fast', async () => {
    const forms = fakeForms({
      official: { milliseconds: 30 },
      wrong: { milliseconds: 5, output: [0.25, 0.5, 0.95] },
      folded: { milliseconds: 25, output: [0.2501, 0.5, 0.75] },
    });
    const chosen = await chooseFastestVariant({ ...forms, key, cache: createMemoryVariantChoiceCache() });
    expect(chosen.id).toBe('folded');
    expect(chosen.timings.wrong).toBe(
      'passed over: differs from official: mean 0.0667 (≤ 0.00392), max 0.200 (≤ 0.0314)',
    );
    expect(forms.open.has('wrong')).toBe(false);
  });

  it('passes over a form that fails to open, and fails when the official form does', async () => {
    const forms = fakeForms({ official: { milliseconds: 30 }, nhwc: { milliseconds: 1, failOpen: true } });
    const chosen = await chooseFastestVariant({ ...forms, key, cache: createMemoryVariantChoiceCache() });
    expect(chosen.id).toBe('official');
    expect(chosen.timings.nhwc).toBe('passed over: nhwc: op not implemented');
    const broken = fakeForms({ official: { milliseconds: 1, failOpen: true }, padded: { milliseconds: 1 } });
    await expect(
      chooseFastestVariant({ ...broken, key, cache: createMemoryVariantChoiceCache() }),
    ).rejects.toThrow('official: op not implemented');
    expect(broken.log).toEqual([]);
  });

  it('opens a single form without timing it, and ignores a remembered id the bundle no longer has', async () => {
    const single = fakeForms({ official: { milliseconds: 30 } });
    const cache = createMemoryVariantChoiceCache();
    expect(await chooseFastestVariant({ ...single, key, cache })).toMatchObject({ source: 'only' });
    expect(single.log).toEqual(['open official']);
    await cache.set(variantTimingKey(key), 'gone');
    const forms = fakeForms({ official: { milliseconds: 30 }, padded: { milliseconds: 20 } });
    expect(await chooseFastestVariant({ ...forms, key, cache })).toMatchObject({
      id: 'padded',
      source: 'timed',
    });
  });

  it('holds forms to the renderer fp16 targets: mean 1 and max 8 levels of 255', async () => {
    const check = async (output: number[]) => {
      const forms = fakeForms({
        official: { milliseconds: 30, output: [0.5, 0.5, 0.5] },
        other: { milliseconds: 1, output },
      });
      return (await chooseFastestVariant({ ...forms, key, cache: createMemoryVariantChoiceCache() })).id;
    };
    expect(await check([0.5 + 3 / 255, 0.5, 0.5])).toBe('other');
    // One value 9 levels off; then three values 2 levels off (mean 2 levels).
    expect(await check([0.5 + 9 / 255, 0.5, 0.5])).toBe('official');
    expect(await check([0.5 + 2 / 255, 0.5 - 2 / 255, 0.5 + 2 / 255])).toBe('official');
  });

  it('measures differences as the golden suite does, a NaN or another size as infinitely far', () => {
    const tensor = (values: number[]) => createTensor('float32', [values.length], Float32Array.from(values));
    expect(outputDifference(tensor([0.5, 4]), tensor([0.5, 2]))).toBe(1);
    expect(outputDifference(tensor([0.25, 0.5]), tensor([0.5, 0.5]))).toBe(0.25);
    expect(outputDifference(tensor([Number.NaN, 0.5]), tensor([0.5, 0.5]))).toBe(Number.POSITIVE_INFINITY);
    expect(outputDifference(tensor([0.5]), tensor([0.5, 0.5]))).toBe(Number.POSITIVE_INFINITY);
    expect(outputDifferences(tensor([0.5, 7]), tensor([0.5, 4]))).toEqual({ mean: 0.375, max: 0.75 });
  });
});
