import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@joyvasa/pipeline';
import type { NodeImageInput } from '@joyvasa/pipeline/node';
import type { FastifyPluginAsync } from 'fastify';
import type { RTCIceServer } from 'werift';
import { createErrorHandler } from '../api/http-errors.js';
import { LiveCapacityError, LiveSessionNotFoundError } from '../errors.js';
import { type LiveConnection, openLiveConnection } from './live-connection.js';
import { type LiveSessionOptions, livePacing } from './live-session.js';

/** Options of {@link liveRoutesPlugin}. */
export interface LiveRoutesOptions {
  /** The loaded pipeline every session runs (warm it up first). */
  readonly head: LiveSessionOptions['head'];
  /** The portraits a client may pick by name (`?portrait=`); the first is the default. */
  readonly portraits: Readonly<Record<string, NodeImageInput>>;
  /** Sessions at once; one more is answered 503 with `Retry-After`. Default 1. */
  readonly maxSessions?: number;
  /** The `Retry-After` of a 503, in seconds. Default 10. */
  readonly retryAfterSeconds?: number;
  /** STUN/TURN servers for the server's side of ICE. Default none (enough on loopback and open hosts). */
  readonly iceServers?: readonly RTCIceServer[];
  /** How long a peer may stay disconnected before its session is torn down, ms. Default 5000. */
  readonly peerLostMs?: number;
  /** Passed to every session. */
  readonly session?: Pick<
    LiveSessionOptions,
    'animate' | 'startDelayMs' | 'latencyMs' | 'maxVideoSide' | 'ffmpegPath'
  >;
  /** Called with each session once it is answered (an app's TTS hooks in here), and when it ends. */
  readonly onSession?: (id: string, connection: LiveConnection) => void;
  readonly onSessionEnd?: (id: string) => void;
}

/** Statistics of a session, `GET …/whep/:id`. */
export interface LiveSessionStats {
  readonly ticks: number;
  readonly repeated: number;
  /** Of the last frame sent: from its audio entering the session to the frame going to the encoder, ms. */
  readonly latencyMs: number | undefined;
  /** Seconds of pushed speech waiting to be played. */
  readonly queuedSeconds: number;
}

/**
 * Live sessions over WebRTC with WHEP-style signalling, as a Fastify plugin (mount it with a `prefix`):
 * `POST /whep[?portrait=NAME]` with an SDP offer (`application/sdp`) answers 201 with the SDP answer and
 * `Location: …/whep/ID`; `DELETE /whep/ID` ends the session; `POST /whep/ID/audio` queues speech
 * (16-bit little-endian mono PCM at 16 kHz, `audio/L16` or `application/octet-stream`); `GET /whep/ID`
 * gives {@link LiveSessionStats}. A session whose peer is gone is torn down.
 */
export const liveRoutesPlugin: FastifyPluginAsync<LiveRoutesOptions> = async (app, options) => {
  // A misconfigured pacing fails the server's start, not each session.
  livePacing(options.session ?? {});
  const connections = new Map<string, LiveConnection>();
  const maxSessions = options.maxSessions ?? 1;
  app.setErrorHandler(createErrorHandler(() => true));
  app.addContentTypeParser('application/sdp', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser(
    ['audio/L16', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: 16 * 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );
  app.addHook('onClose', async () => {
    await Promise.all([...connections.values()].map((connection) => connection.close()));
  });
  const find = (id: string) => {
    const connection = connections.get(id);
    if (!connection) throw new LiveSessionNotFoundError(id);
    return connection;
  };

  app.post<{ Querystring: { portrait?: string }; Body: string }>('/whep', async (request, reply) => {
    if (connections.size >= maxSessions) {
      throw new LiveCapacityError(maxSessions, options.retryAfterSeconds ?? 10);
    }
    if (typeof request.body !== 'string')
      throw new InvalidInputError('body', 'send an SDP offer as application/sdp');
    const names = Object.keys(options.portraits);
    const name = request.query.portrait ?? names[0]!;
    const image = options.portraits[name];
    if (image === undefined) {
      throw new InvalidInputError(
        'portrait',
        `no portrait is named '${name}'; there are: ${names.join(', ')}`,
      );
    }
    const id = randomUUID();
    const connection = await openLiveConnection(request.body, {
      ...options.session,
      head: options.head,
      image,
      iceServers: options.iceServers ?? [],
      peerLostMs: options.peerLostMs ?? 5000,
    });
    connections.set(id, connection);
    void connection.ended.finally(() => {
      connections.delete(id);
      options.onSessionEnd?.(id);
    });
    options.onSession?.(id, connection);
    return reply
      .code(201)
      .header('location', `${request.url.split('?')[0]}/${id}`)
      .type('application/sdp')
      .send(connection.answer);
  });

  app.delete<{ Params: { id: string } }>('/whep/:id', async (request, reply) => {
    await find(request.params.id).close();
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string }; Body: Buffer }>('/whep/:id/audio', async (request, reply) => {
    const connection = find(request.params.id);
    if (!Buffer.isBuffer(request.body) || request.body.length % 2 !== 0) {
      throw new InvalidInputError(
        'body',
        'send 16-bit little-endian mono PCM at 16 kHz (an even byte count)',
      );
    }
    const bytes = Uint8Array.prototype.slice.call(request.body);
    connection.session.pushAudio(new Int16Array(bytes.buffer, 0, bytes.length / 2));
    return reply.code(204).send();
  });

  app.get<{ Params: { id: string } }>('/whep/:id', async (request) => find(request.params.id).stats());
};
