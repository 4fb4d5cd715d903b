import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, VideoStoreV1 } from '../store/video-store.js';

/** `Range: bytes=a-b` (one range; `a-` and `-n` too) over `size` bytes; null when it cannot be satisfied. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, first, last] = match;
  const range =
    first === ''
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
  return range.start <= range.end && range.start < size ? range : null;
}

/** Sends a complete MP4, whole (200) or the asked range (206; 416 for a range outside it). */
export function sendVideoFile(
  request: FastifyRequest,
  reply: FastifyReply,
  store: VideoStoreV1,
  id: string,
  size: number,
) {
  reply.header('Accept-Ranges', 'bytes').type('video/mp4');
  const range = parseRange(request.headers.range, size);
  if (range === null) {
    return reply.status(416).header('Content-Range', `bytes */${size}`).send();
  }
  if (!range) return reply.header('Content-Length', size).send(store.readVideo(id));
  return reply
    .status(206)
    .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
    .header('Content-Length', range.end - range.start + 1)
    .send(store.readVideo(id, range));
}
