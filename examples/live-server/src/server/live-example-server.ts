import { createStaticHandler } from '@joyvasa/example-kit';
import { type LiveConnection, type LiveRoutesOptions, liveRoutesPlugin } from '@joyvasa/service/live';
import Fastify, { type FastifyInstance } from 'fastify';
import { speak } from './speak.js';

/** Options of {@link startLiveExampleServer}. */
export interface LiveExampleServerOptions extends LiveRoutesOptions {
  /** The built page (`vite build`'s `dist/`). */
  readonly pageDirectory: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** The example's server, listening. */
export interface LiveExampleServer {
  readonly app: FastifyInstance;
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** The open sessions by id. */
  readonly connections: ReadonlyMap<string, LiveConnection>;
  close(): Promise<void>;
}

/**
 * The page, the live sessions under `/live` (WHEP), `GET /portraits` (their names), and `POST /say`
 * (`{ session, text }`: espeak-ng speaks the text into the session whose URL is `session`).
 */
export async function startLiveExampleServer(options: LiveExampleServerOptions): Promise<LiveExampleServer> {
  const connections = new Map<string, LiveConnection>();
  const app = Fastify();
  await app.register(liveRoutesPlugin, {
    ...options,
    prefix: '/live',
    onSession: (id, connection) => {
      connections.set(id, connection);
      options.onSession?.(id, connection);
    },
    onSessionEnd: (id) => {
      connections.delete(id);
      options.onSessionEnd?.(id);
    },
  });
  app.get('/portraits', async () => Object.keys(options.portraits));
  app.post<{ Body: { session?: string; text?: string } }>('/say', async (request, reply) => {
    const id = request.body.session?.split('/').at(-1) ?? '';
    const connection = connections.get(id);
    if (!connection)
      return reply.code(404).send({ error: { name: 'LiveSessionNotFoundError', message: id } });
    connection.session.pushAudio(await speak(String(request.body.text ?? '').slice(0, 500)));
    return reply.code(204).send();
  });
  const page = createStaticHandler([{ prefix: '/', directory: options.pageDirectory }]);
  app.setNotFoundHandler((request, reply) => {
    reply.hijack();
    page(request.raw, reply.raw, () => {
      reply.raw.statusCode = 404;
      reply.raw.end();
    });
  });
  const address = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  return { app, url: address, connections, close: () => app.close() };
}
