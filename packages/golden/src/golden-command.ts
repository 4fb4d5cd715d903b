import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { goldenCases } from './cases/index.js';
import type { GoldenComparison } from './golden-case.js';
import { runGolden } from './run-golden.js';

export const goldenUsage = `pnpm golden <golden folder> [--only <module substring> ...]

Rebuilds every covered module with the folder's formula weights, runs the folder's inputs on
onnxruntime-node (cpu) and prints, per output: module, output, max abs error, tolerance, PASS or FAIL.
When the folder has pipeline/, the whole official pipeline follows, stage by stage, as rows
pipeline.<variant>.<stage> (crop, source, lip, motion, driving, keypoints, frames, pasted, end-to-end;
images as mean and max level errors, frames also the share more than 2 levels off); --only pipeline runs just those. Exits 1 on any FAIL.`;

function formatRow(c: GoldenComparison): string {
  const error = Number.isFinite(c.maxAbsError) ? c.maxAbsError.toExponential(2) : String(c.maxAbsError);
  const verdict = c.passed ? 'PASS' : 'FAIL';
  return `${c.module.padEnd(52)} ${c.output.padEnd(22)} ${error.padStart(9)} ${c.tolerance.toExponential(1).padStart(8)}  ${verdict}${c.note ? `  (${c.note})` : ''}`;
}

/** `pnpm golden` (the package's bin, `joyvasa-golden`): the parity report against a golden folder. Returns the exit code. */
export async function goldenCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { only: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log(goldenUsage);
    return values.help ? 0 : 2;
  }
  const folder = resolve(positionals[0]!);
  console.log(
    `${'module'.padEnd(52)} ${'output'.padEnd(22)} ${'max |err|'.padStart(9)} ${'tol'.padStart(8)}  result`,
  );
  const report = await runGolden(folder, {
    backend: createOnnxNodeBackend(),
    cases: goldenCases,
    only: values.only,
    onComparison: (comparison) => console.log(formatRow(comparison)),
  });
  const failed = report.comparisons.filter((c) => !c.passed).length;
  console.log(`\n${report.comparisons.length - failed} passed, ${failed} failed`);
  if (report.uncovered.length > 0) console.log(`not covered yet: ${report.uncovered.join(', ')}`);
  return report.passed ? 0 : 1;
}
