import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStaticHandler, type StaticRoute } from '../create-static-handler.js';

/** A running test server. */
export interface StaticServer {
  /** Origin with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves folders on 127.0.0.1 (a free port) with cross-origin isolation headers, so pages get
 * `SharedArrayBuffer` and multi-threaded WASM as they would behind a correctly configured host.
 * Routes are matched in order: put the most specific prefixes first.
 */
export async function startStaticServer(routes: readonly StaticRoute[]): Promise<StaticServer> {
  const handler = createStaticHandler(routes);
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      response.destroy(error as Error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
