import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';

/** A test HTTP server on 127.0.0.1 (never another interface): its base URL, and a close that ends every connection. */
export interface LocalServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Starts `handler` on a free port of 127.0.0.1. */
export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A TCP server on 127.0.0.1 that answers every connection with HTTP headers sent one byte at a time. */
export interface TrickleServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly endpoint: string;
  /** The connections still open: a client that gave up must have closed its own. */
  readonly sockets: ReadonlySet<Socket>;
  close(): Promise<void>;
}

/**
 * Starts a server that never completes an answer: it writes the headers of a 200 answer one byte every
 * `intervalMs`, so only a client's own timeouts end the request (a stand-in for a dawdling mirror).
 */
export async function startTrickleServer(intervalMs = 50): Promise<TrickleServer> {
  const headers = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${'x-pad: 1\r\n'.repeat(400)}\r\n`;
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    let at = 0;
    const timer = setInterval(() => socket.write(headers[at++ % headers.length]!), intervalMs);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
