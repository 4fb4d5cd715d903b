import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { decodeBrowserImage } from './decode-browser-image.js';

// Files and ImageBitmaps need a browser: examples/web/tests/browser.test.ts decodes them in Chromium.
describe('decodeBrowserImage in Node', () => {
  it('passes RGB pixels through and drops alpha from RGBA pixels', async () => {
    const rgb = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.of(1, 2, 3, 4, 5, 6) };
    expect(await decodeBrowserImage(rgb)).toBe(rgb);
    const rgba = { width: 2, height: 1, channels: 4 as const, data: Uint8Array.of(1, 2, 3, 9, 4, 5, 6, 9) };
    expect([...(await decodeBrowserImage(rgba)).data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads an ImageData by its shape (RGBA, no channels field)', async () => {
    const imageData = { width: 1, height: 2, data: Uint8ClampedArray.of(10, 20, 30, 0, 40, 50, 60, 255) };
    const image = await decodeBrowserImage(imageData as unknown as ImageData);
    expect(image).toMatchObject({ width: 1, height: 2, channels: 3 });
    expect([...image.data]).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('rejects what is not an image, naming what it got', async () => {
    for (const value of ['portrait.png', null, 42, { width: 2 }]) {
      const error = await decodeBrowserImage(value as unknown as Blob).catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(error)).toBe(true);
    }
    await expect(decodeBrowserImage(new Uint8Array(3) as unknown as Blob)).rejects.toThrow(/got Uint8Array/);
  });

  it('sends a Blob to the browser decoder, which Node lacks', async () => {
    const error = await decodeBrowserImage(new Blob([Uint8Array.of(1)])).catch((e: unknown) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
  });
});
