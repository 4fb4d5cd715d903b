import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VideoStatus } from '../video-job.js';
import { isFinal } from './video-status.js';

/** How often the event stream looks at the job, in ms (stateless: any API replica can serve it). */
const pollMs = 250;

/**
 * Server-sent events of one video: an event `status` (the `GET /v1/videos/:id` body) each time the state or
 * frame progress changes, until a final state; then the stream ends. Redis errors end it too (the client
 * reconnects, as EventSource does).
 */
export async function streamVideoEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  read: () => Promise<VideoStatus | undefined>,
): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  let closed = false;
  request.raw.on('close', () => {
    closed = true;
  });
  let last = '';
  while (!closed) {
    let status: VideoStatus | undefined;
    try {
      status = await read();
    } catch {
      break;
    }
    if (!status) break;
    const text = JSON.stringify(status);
    if (text !== last) {
      out.write(`event: status\ndata: ${text}\n\n`);
      last = text;
    }
    if (isFinal(status.state)) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  out.end();
}
