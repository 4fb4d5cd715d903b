import { MissingDependencyError, type RgbImage, toRgbImage } from '@joyvasa/core';
import { imageSizeLimits } from './image-size-limits.js';

/**
 * The stored RGBA of a bitmap through WebGL 2: a texture uploaded without premultiplication or colour
 * conversion, read back from a framebuffer. Null where the runtime has no WebGL 2.
 */
function readUnpremultiplied(bitmap: ImageBitmap): Uint8Array | null {
  const { width, height } = bitmap;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2', { premultipliedAlpha: false });
  if (!gl) return null;
  const texture = gl.createTexture();
  const framebuffer = gl.createFramebuffer();
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return null;
    const rgba = new Uint8Array(width * height * 4);
    // Texture row 0 is the bitmap's top row, and readPixels returns rows from 0 up: no flip needed.
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
    return gl.getError() === gl.NO_ERROR ? rgba : null;
  } finally {
    gl.deleteFramebuffer(framebuffer);
    gl.deleteTexture(texture);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/** The bitmap drawn on a 2-D canvas: premultiplied on the way, so transparent pixels come back black. */
function readThroughCanvas(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new MissingDependencyError('OffscreenCanvas 2d context', 'this runtime offers none');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

/**
 * Reads the pixels of an `ImageBitmap` as they are (no orientation or colour handling beyond what made the
 * bitmap); alpha is dropped. The colour stored under transparent pixels is kept, as OpenCV's `imread`
 * keeps it: the pixels are read through WebGL 2 without premultiplication (create the bitmap with
 * `premultiplyAlpha: 'none'`). Where there is no WebGL 2 they go through a 2-D canvas, which premultiplies:
 * fully transparent pixels then come back black. Does not close the bitmap.
 *
 * @throws InvalidInputError for sizes outside {@link imageSizeLimits}.
 * @throws MissingDependencyError where there is no `OffscreenCanvas` (Node).
 */
export function imageBitmapToRgb(bitmap: ImageBitmap): RgbImage {
  if (typeof OffscreenCanvas !== 'function') {
    throw new MissingDependencyError('OffscreenCanvas', 'reading an ImageBitmap needs a browser or worker');
  }
  const { width, height } = bitmap;
  imageSizeLimits.check(width, height);
  const data = readUnpremultiplied(bitmap) ?? readThroughCanvas(bitmap);
  return toRgbImage({ width, height, channels: 4, data });
}
