export { decodePng } from './decode-png.js';
export { loadMaskTemplate, maskTemplatePng, maskTemplateSize } from './mask-template.js';
export { maskTemplatePngBase64 } from './mask-template-png.js';
export { type PasteBackMask, pasteBack, preparePasteBackMask } from './paste-back.js';
export {
  createSessionPasteBack,
  type DevicePasteBackRunner,
  type PasteBackRunner,
  type SessionPasteBack,
} from './paste-back-session.js';
