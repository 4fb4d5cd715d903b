import { resolve } from 'node:path';
import {
  type CommandContext,
  exitCodes,
  failureExit,
  interruptible,
  parseCommandArgs,
  stringOption,
  usageError,
} from '../cli-args.js';
import { processOutput } from '../cli-output.js';
import { loadService } from './load-service.js';

export const serveUsage = `joyvasa serve --redis redis://HOST:PORT --store DIR --port N [--host H] [--token T]…

Serves the render service's HTTP API: POST /v1/videos (multipart: image, audio, options) queues a render
on Redis for 'joyvasa worker' processes; GET /v1/videos/:id, /events (server-sent events), /file (the MP4,
with Range); DELETE /v1/videos/:id cancels; GET /healthz, /metrics, /v1/openapi.json. Any number of
'serve' processes may share one Redis and store. Needs the package @joyvasa/service.

Options:
  --redis <url>     the queue's Redis, redis://HOST:PORT
  --store <folder>  the folder shared with the workers (uploads and videos)
  --port <n>        TCP port to listen on
  --host <address>  address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --token <t>       require Authorization: Bearer <t> on /v1 routes (repeat for several tokens)
  -h, --help        this text

Stops on SIGINT or SIGTERM after the requests in flight. Exit codes: 0 stopped, 1 failed, 2 bad arguments.`;

const options = {
  redis: { type: 'string' },
  store: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `joyvasa serve`: the HTTP API of the render service, until a stop signal. */
export async function serveCommand(args: readonly string[], context: CommandContext = {}): Promise<number> {
  const output = context.output ?? processOutput();
  const parsed = parseCommandArgs(args, options, serveUsage, output);
  if ('exit' in parsed) return parsed.exit;
  const redis = stringOption(parsed.values, 'redis');
  const store = stringOption(parsed.values, 'store');
  const portText = stringOption(parsed.values, 'port');
  if (!redis || !store || !portText) {
    return usageError(output, '--redis, --store and --port are required', serveUsage);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    return usageError(output, `--port must be a port number, not '${portText}'`, serveUsage);
  }
  if (parsed.positionals.length > 0) {
    return usageError(output, `unexpected argument '${parsed.positionals[0]}'`, serveUsage);
  }
  const interrupt = interruptible(context.signal);
  try {
    const service = await loadService();
    const app = await service.createServiceApp({
      redis: service.checkRedisUrl(redis),
      store: service.createFolderVideoStore(resolve(store)),
      tokens: [parsed.values.token ?? []].flat().map(String),
    });
    const address = await app.listen({ port, host: stringOption(parsed.values, 'host') ?? '127.0.0.1' });
    output.log(`joyvasa serve: listening on ${address} (store ${resolve(store)}, redis ${redis})`);
    await new Promise((done) => interrupt.signal.addEventListener('abort', done, { once: true }));
    await app.close();
    output.log('joyvasa serve: stopped');
    return exitCodes.ok;
  } catch (error) {
    return failureExit(output, error, 'stopped');
  } finally {
    interrupt.dispose();
  }
}
