import { describe, expect, it } from 'vitest';
import { defaultLibraryPath, koffiStackSizes, loadOrtLibrary } from './ort-library.js';

describe('loadOrtLibrary', () => {
  it('gives native code stacks of a normal thread’s size before the library loads', async () => {
    await loadOrtLibrary(defaultLibraryPath()!);
    const koffi = ((await import('koffi')) as unknown as { default: { config(): Record<string, number> } })
      .default;
    const settings = koffi.config();
    expect(settings.sync_stack_size).toBeGreaterThanOrEqual(koffiStackSizes.sync_stack_size);
    expect(settings.async_stack_size).toBeGreaterThanOrEqual(koffiStackSizes.async_stack_size);
  });
});
