export { createFileVariantChoiceCache, variantChoicesFile } from './file-variant-choice-cache.js';
export { type GpuIdentity, readNvidiaGpuIdentity } from './read-gpu-identity.js';
export { readImage } from './read-image.js';
