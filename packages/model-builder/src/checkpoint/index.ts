export { CheckpointError } from './checkpoint-error.js';
export { readNpy } from './npy.js';
