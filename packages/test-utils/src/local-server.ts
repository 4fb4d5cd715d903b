import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
