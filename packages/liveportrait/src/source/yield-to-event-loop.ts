/**
 * Lets the event loop run what is waiting (timers, I/O, input, rendering) before the caller continues:
 * `setImmediate` in Node (it waits for no clock), a zero timer elsewhere. The per-pixel steps of the frame
 * loop call it between steps, so that a page or a server that renders a head stays responsive.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}
