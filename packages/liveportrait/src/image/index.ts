export { invertAffine, type Matrix3, multiplyAffine, toMatrix3, transformPoints } from './affine.js';
export { decodeImage } from './decode-image.js';
export { imageBitmapToRgb } from './image-bitmap-to-rgb.js';
export { imageSizeLimits } from './image-size-limits.js';
export { imageToTensor, tensorToImage } from './image-tensor.js';
export { assertPixelImage, type GrayImage, type PixelImage } from './pixel-image.js';
export { type ResizeInterpolation, resizeImage } from './resize-image.js';
export { cropTopLeft, type ResizeToLimitOptions, resizeToLimit } from './resize-to-limit.js';
export { type PixelRegion, warpAffine } from './warp-affine.js';
