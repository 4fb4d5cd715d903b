/**
 * Lets the event loop run what is waiting (timers, I/O, input, rendering) before the caller continues:
 * `setImmediate` in Node (it waits for no clock); in browsers and workers a message to itself, a task that
 * waits for no clock either (a chain of zero timers would be held to 4 ms each after the fifth). The
 * per-pixel steps of the frame loop call it between steps, so that a page or a server that renders a head
 * stays responsive.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) {
      immediate(resolve);
      return;
    }
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}
