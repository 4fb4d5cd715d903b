import { describe, expect, it } from 'vitest';
import { createBoundedQueue, pump } from './bounded-queue.js';

/** Lets every task that can run, run (a few turns of the event loop; no clock involved). */
async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('createBoundedQueue', () => {
  it('makes the producer wait once `capacity` items are waiting', async () => {
    const queue = createBoundedQueue<number>(2);
    let pushed = 0;
    const producer = (async () => {
      for (let item = 0; item < 10; item++) if (await queue.push(item)) pushed++;
      queue.end();
    })();
    await settle();
    expect(pushed).toBe(2);
    const pulled: number[] = [];
    for (let next = await queue.pull(); !next.done; next = await queue.pull()) {
      pulled.push(next.value);
      await settle(3);
      expect(queue.size).toBeLessThanOrEqual(2);
      expect(pushed - pulled.length).toBeLessThanOrEqual(2);
    }
    await producer;
    expect(pulled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('answers false to the producer once the consumer cancels, and drops what waits', async () => {
    const queue = createBoundedQueue<string>(1);
    expect(await queue.push('a')).toBe(true);
    const blocked = queue.push('b');
    queue.cancel();
    expect(await blocked).toBe(false);
    expect(await queue.push('c')).toBe(false);
    expect(queue.size).toBe(0);
    expect((await queue.pull()).done).toBe(true);
  });

  it("hands the producer's failure to the consumer after the items already waiting", async () => {
    const queue = createBoundedQueue<number>(3);
    await queue.push(1);
    queue.fail(new Error('sampling failed'));
    expect(await queue.pull()).toEqual({ done: false, value: 1 });
    await expect(queue.pull()).rejects.toThrow('sampling failed');
  });

  it('refuses a capacity below one', () => {
    expect(() => createBoundedQueue(0)).toThrow(RangeError);
  });

  it('counts weight when told how to weigh an item: samples of PCM chunks, one heavy chunk let in alone', async () => {
    const queue = createBoundedQueue<Float32Array>(100, { weigh: (pcm) => pcm.length });
    expect(await queue.push(new Float32Array(60))).toBe(true);
    expect(await queue.push(new Float32Array(30))).toBe(true);
    let third = false;
    const blocked = queue.push(new Float32Array(500)).then((pushed) => {
      third = pushed;
    });
    await settle();
    // 90 of 100 waiting: room is left, so the 500-sample chunk goes in although it overflows the bound.
    expect(third).toBe(true);
    let fourth = false;
    void queue.push(new Float32Array(1)).then((pushed) => {
      fourth = pushed;
    });
    await settle();
    expect(fourth).toBe(false);
    await queue.pull();
    await queue.pull();
    await settle();
    expect(fourth).toBe(false);
    await queue.pull();
    await settle();
    expect(fourth).toBe(true);
    await blocked;
  });
});

describe('pump', () => {
  it('moves every item into the queue and ends it, or fails it with the source’s error', async () => {
    const queue = createBoundedQueue<number>(2);
    const done = pump(
      (async function* () {
        yield* [1, 2, 3];
      })(),
      queue,
    );
    const pulled: number[] = [];
    for (let next = await queue.pull(); !next.done; next = await queue.pull()) pulled.push(next.value);
    await done;
    expect(pulled).toEqual([1, 2, 3]);
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('the producer broke');
    }
    const failed = createBoundedQueue<number>(2);
    await pump(failing(), failed);
    expect(await failed.pull()).toEqual({ done: false, value: 1 });
    await expect(failed.pull()).rejects.toThrow('the producer broke');
  });

  it('stops reading, closing the source, once the consumer cancels; runs afterEach after each push', async () => {
    let closed = false;
    const seen: number[] = [];
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const queue = createBoundedQueue<number>(1);
    const done = pump(endless(), queue, (item) => {
      seen.push(item);
    });
    expect(await queue.pull()).toEqual({ done: false, value: 0 });
    queue.cancel();
    await done;
    expect(closed).toBe(true);
    expect(seen[0]).toBe(0);
  });
});
