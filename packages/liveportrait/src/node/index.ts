export { readImage } from './read-image.js';
