import { describe, expect, it } from 'vitest';
import { createBoundedQueue } from './bounded-queue.js';

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
});
