import { parseArgs } from 'node:util';
import type { FuzzReport } from './run-fuzz.js';
import { runFuzz } from './run-fuzz.js';

/** The report as lines: counts per target, every untyped error and hang with its seed and index, the slowest case. */
export function formatFuzzReport(report: FuzzReport): string[] {
  const { totals } = report;
  const row = (name: string, c: FuzzReport['totals']) =>
    `${name.padEnd(12)} ${String(c.cases).padStart(8)} ${String(c.ok).padStart(8)} ${String(c.typed).padStart(8)} ` +
    `${String(c.untyped).padStart(8)} ${String(c.hangs).padStart(6)}`;
  return [
    `seed ${report.seed}, ${report.seconds.toFixed(1)} s`,
    `${'target'.padEnd(12)} ${'cases'.padStart(8)} ${'ok'.padStart(8)} ${'typed'.padStart(8)} ${'untyped'.padStart(8)} ${'hangs'.padStart(6)}`,
    ...Object.entries(report.byTarget).map(([name, c]) => row(name, c)),
    row('all', totals),
    ...report.untyped.map((f) => `UNTYPED ${f.target} seed ${f.seed} index ${f.index}: ${f.message}`),
    ...report.hangs.map((f) => `HANG ${f.target} seed ${f.seed} index ${f.index}: ${f.message}`),
    report.slowest
      ? `slowest: ${report.slowest.target} seed ${report.slowest.seed} index ${report.slowest.index}, ${report.slowest.ms.toFixed(1)} ms`
      : 'slowest: none',
  ];
}

const usage = `pnpm fuzz [--seconds <n>] [--cases <n per target>] [--seed <n>] [--deadline <ms>] [--target <name>]...

Fuzzes the readers of untrusted input (pickle, torch zip, safetensors, WAV, manifest, images, hub listing)
with structure-aware cases and byte mutations. Exits 1 on any untyped error or hang.`;

/** `pnpm fuzz`: a long run with a report; the exit code is 1 when the bar (no untyped error, no hang) is missed. */
export async function fuzzCli(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      deadline: { type: 'string' },
      target: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const seconds = values.seconds ? Number(values.seconds) : values.cases ? undefined : 60;
  const report = await runFuzz({
    seed: values.seed ? Number(values.seed) : Date.now() % 1_000_000,
    ...(seconds !== undefined ? { seconds } : {}),
    ...(values.cases ? { casesPerTarget: Number(values.cases) } : {}),
    ...(values.deadline ? { deadlineMs: Number(values.deadline) } : {}),
    ...(values.target ? { targets: values.target } : {}),
  });
  for (const line of formatFuzzReport(report)) console.log(line);
  return report.untyped.length === 0 && report.hangs.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  process.exitCode = await fuzzCli(process.argv.slice(2));
}
