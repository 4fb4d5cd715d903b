import { createHash, randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { InvalidInputError, inputLimits } from '@joyvasa/core';
import type { FastifyRequest } from 'fastify';
import { UploadTooLargeError } from '../errors.js';
import type { InputRole, VideoStoreV1 } from '../store/video-store.js';
import type { VideoInputs } from '../video-job.js';

/** Most bytes of each upload, from the SDK's `inputLimits`. */
export const uploadLimits: Readonly<Record<InputRole, number>> = {
  image: inputLimits.imageMaxFileBytes,
  audio: inputLimits.uploadAudioMaxBytes,
};

/** The id of a new video: random, or derived from the `Idempotency-Key` so a repeated request gets the same. */
export function videoIdFor(idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const hash = createHash('sha256').update(`joyvasa-video:${idempotencyKey}`).digest('hex');
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
}

async function* bounded(source: AsyncIterable<Uint8Array>, role: InputRole, limit: number) {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > limit) throw new UploadTooLargeError(role, limit);
    yield chunk;
  }
}

/** The uploads and the `options` text of a `POST /v1/videos` form. */
export interface VideoUpload {
  readonly inputs: VideoInputs;
  readonly optionsText: string | undefined;
}

/**
 * Reads the multipart form into the store as it arrives: the files `image` and `audio` (each bounded by
 * {@link uploadLimits}) and the field `options`.
 *
 * @throws InvalidInputError for a missing or unknown part; UploadTooLargeError past a limit. Whatever was
 * stored is removed again.
 */
export async function readVideoUpload(
  request: FastifyRequest,
  store: VideoStoreV1,
  id: string,
): Promise<VideoUpload> {
  if (!request.isMultipart()) {
    throw new InvalidInputError('request', 'send a multipart/form-data form with the files image and audio');
  }
  const stored: Partial<Record<InputRole, string>> = {};
  let optionsText: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname !== 'options') throw new InvalidInputError(part.fieldname, 'unknown form field');
        optionsText = String(part.value);
        continue;
      }
      const role = part.fieldname as InputRole;
      if (role !== 'image' && role !== 'audio') {
        throw new InvalidInputError(part.fieldname, 'unknown file; send image and audio');
      }
      const extension = extname(part.filename ?? '').slice(1) || 'bin';
      stored[role] = await store.putInput(id, role, bounded(part.file, role, uploadLimits[role]), extension);
      if (part.file.truncated) throw new UploadTooLargeError(role, uploadLimits[role]);
    }
    if (!stored.image) throw new InvalidInputError('image', 'the form has no image file');
    if (!stored.audio) throw new InvalidInputError('audio', 'the form has no audio file');
    return { inputs: { image: stored.image, audio: stored.audio }, optionsText };
  } catch (error) {
    await store.removeInputs(id);
    throw error;
  }
}
