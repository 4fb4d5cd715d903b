export { createFileVariantChoiceCache, variantChoicesFile } from './file-variant-choice-cache.js';
export { readImage } from './read-image.js';
