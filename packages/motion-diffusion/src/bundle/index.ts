export {
  type LoadMotionGeneratorOptions,
  loadMotionGenerator,
  type MotionGenerator,
} from './load-motion-generator.js';
