/**
 * The resource bounds of every reader, bundle check and download of the SDK, in one place so each is
 * defined once (docs/guide/limits.md lists them with the message each refusal gives). They exist so that a
 * hostile or broken file or server gets a typed error instead of gigabytes of memory or a hang.
 */
export const inputLimits = {
  /** Smallest image side accepted, in pixels: smaller images carry no usable face. */
  imageMinSide: 16,
  /** Largest image side accepted, in pixels (16384² RGB is 805 MB decoded). */
  imageMaxSide: 16384,
  /** Default longest audio accepted, in seconds (`maxDurationSeconds` of the decoders). */
  audioMaxSeconds: 600,
  /** Most bytes a pickle's LONG1/LONG4 integer may take: real checkpoints hold 8-byte ones at most. */
  pickleMaxLongBytes: 4096,
  /** Most bytes one checkpoint zip entry may inflate to, whatever it declares (4 GiB). */
  zipEntryMaxBytes: 2 ** 32,
  /** Most transformer layers a model config may declare (the base models have 12, the large 24). */
  configMaxLayers: 256,
  /** Largest width (hidden, intermediate or convolution size) a model config may declare. */
  configMaxWidth: 65536,
  /** Largest fixed dimension a bundle manifest may declare for a tensor. */
  manifestMaxDim: 2 ** 24,
  /** Most bytes a Hugging Face file listing may take (the official ones are a few kilobytes). */
  listingMaxBytes: 16 * 2 ** 20,
  /** Default: a download is abandoned after this long without a byte, in milliseconds. */
  fetchIdleTimeoutMs: 60_000,
  /** Default: one request (headers and body of one file) is abandoned after this long, in milliseconds. */
  fetchTimeoutMs: 2 * 60 * 60_000,
  /** Most redirects one request follows. */
  fetchMaxRedirects: 10,
  /** Largest file any reader accepts, in bytes (2 GiB): larger ones are refused before a byte is read. */
  fileMaxBytes: 2 ** 31,
  /** Largest image file accepted, in bytes (a 16384² photo is far smaller as PNG or JPEG). */
  imageMaxFileBytes: 256 * 2 ** 20,
  /** Largest JSON file (a bundle manifest, a model `config.json`) accepted, in bytes. */
  jsonMaxFileBytes: 16 * 2 ** 20,
  /** A pickle may copy this many container elements (dict/set rebuilds, path joins) per byte read, … */
  pickleCopiesPerByte: 4,
  /** … plus this many, so that small pickles are never limited by it. */
  pickleCopiesBase: 2 ** 19,
  /** ffmpeg decoding audio is stopped after this many seconds, … */
  ffmpegBaseSeconds: 60,
  /** … plus this many per second of allowed audio duration. */
  ffmpegSecondsPerAudioSecond: 0.5,
  /** Most bytes of uploaded audio the render service accepts (413 beyond): 10 minutes of 48 kHz stereo 16-bit WAV (115 MB) fit. */
  uploadAudioMaxBytes: 128 * 2 ** 20,
} as const;
