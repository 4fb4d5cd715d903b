/**
 * Readings of how busy the machine is, for benchmark scripts on shared Linux machines: figures taken
 * while other processes hold cores must say so.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** CPU seconds of this process's reaped children (ffmpeg), from /proc/self/stat (cutime + cstime). */
export function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ", cutime and cstime (fields 16 and 17 of stat) are at indices 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Busy CPU seconds of the whole machine so far (every process, every container), from /proc/stat. */
export function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

/** The 1, 5 and 15 minute load averages, two decimals each. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** The header of a CPU benchmark: processor and cores, Node and onnxruntime-node versions, date and load. */
export function machineHeader(): string {
  // onnxruntime-node is the backend package's dependency, not this package's: resolve it from there.
  const ortVersion = createRequire(fileURLToPath(import.meta.resolve('@joyvasa/backend-onnx-node')))(
    'onnxruntime-node',
  ).env.versions.node as string;
  return (
    `machine: ${cpus()[0]?.model} x ${cpus().length}, node ${process.version}, onnxruntime-node ${ortVersion}\n` +
    `date: ${new Date().toISOString()}, load average at start: ${loadAverage()}`
  );
}
