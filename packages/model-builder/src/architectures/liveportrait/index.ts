export { buildRetargetingMlp, type RetargetingMlpConfig, retargetingMlpConfigs } from './retargeting-mlp.js';
