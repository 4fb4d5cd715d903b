import { MissingDependencyError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { imageBitmapToRgb } from './image-bitmap-to-rgb.js';

// Drawing a bitmap needs a browser: examples/web/tests/browser.test.ts decodes images in Chromium.
describe('imageBitmapToRgb in Node', () => {
  it('says it needs an OffscreenCanvas', () => {
    const bitmap = { width: 2, height: 2 } as ImageBitmap;
    expect(() => imageBitmapToRgb(bitmap)).toThrow(MissingDependencyError);
    expect(() => imageBitmapToRgb(bitmap)).toThrow(/needs a browser or worker/);
  });
});
