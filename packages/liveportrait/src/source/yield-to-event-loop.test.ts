import { afterEach, describe, expect, it, vi } from 'vitest';
import { yieldToEventLoop } from './yield-to-event-loop.js';

describe('yieldToEventLoop', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('lets a callback queued before it run first', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued'));
    await yieldToEventLoop();
    order.push('after');
    expect(order).toEqual(['queued', 'after']);
  });

  it('yields through a message where there is no setImmediate (browsers, workers)', async () => {
    vi.stubGlobal('setImmediate', undefined);
    const order: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      order.push('queued');
      port1.close();
    };
    port2.postMessage(undefined);
    await yieldToEventLoop();
    order.push('after');
    expect(order).toEqual(['queued', 'after']);
  });
});
