/**
 * Real `joyvasa worker` processes (the CLI run from source with tsx, as `pnpm joyvasa` does), with their
 * output lines kept so that tests can wait for what a worker says.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = `${root}packages/cli/src/bin.ts`;

/** One worker process. */
export interface WorkerProcess {
  readonly pid: number;
  /** Its name in BullMQ (`processedBy`) and in metrics: `<host>-<pid>` of the node process that renders. */
  name(): string | undefined;
  readonly lines: string[];
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Waits (at most `timeoutMs`) for an output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `joyvasa worker` with `args` and extra environment; resolves once it is ready on the queue. */
export async function startWorker(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<WorkerProcess> {
  // Node itself runs the CLI (tsx's loader as an import), so the pid is that of the process that renders.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@joyvasa/source', bin, 'worker', ...args],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const worker: WorkerProcess = {
    pid: child.pid!,
    lines,
    exited,
    name: () => lines.map((line) => /^(\S+): ready on/.exec(line)?.[1]).find(Boolean),
    kill: (signal) => child.kill(signal),
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((candidate) => pattern.test(candidate));
          if (line === undefined) return;
          cleanup();
          resolve(line);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `worker ${child.pid} did not print ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check)) {
            check();
            if (waiters.has(check)) {
              cleanup();
              reject(
                new Error(`worker ${child.pid} exited before printing ${pattern}:\n${lines.join('\n')}`),
              );
            }
          }
        });
        check();
      });
    },
  };
  await worker.waitForLine(/ready on/, 60_000);
  return worker;
}
