/**
 * One Markdown table of the renderer's speed, ours beside the official PyTorch modules, from the JSON
 * lines of `bench-render.ts --json` and of `../shared/bench/official_renderer.py` taken in the same run.
 *
 *   tsx render-table.ts --ours ours.jsonl --official eager.jsonl,compile.jsonl [--title "…"]
 *
 * Rows: stage × batch × dtype; columns: ours, each official mode, and the official's time over ours
 * (above 1: ours is faster). Lines that are not JSON objects with a `stage` are skipped.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Figure {
  readonly stage: string;
  readonly batch: number;
  readonly dtype: string;
  readonly mode?: string;
  readonly ms_per_frame: number;
  readonly fps: number;
}

function readFigures(files: readonly string[]): Figure[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          const value = JSON.parse(line);
          return typeof value === 'object' && value && 'stage' in value ? [value as Figure] : [];
        } catch {
          return [];
        }
      }),
  );
}

const key = (f: Pick<Figure, 'stage' | 'batch' | 'dtype'>) => `${f.stage}|${f.batch}|${f.dtype}`;
const cell = (f: Figure | undefined) =>
  f ? `${f.ms_per_frame.toFixed(2)} ms (${Number(f.fps.toPrecision(3))})` : '';

/** The table's Markdown lines. */
export function renderTable(ours: readonly Figure[], official: readonly Figure[]): string[] {
  const modes = [...new Set(official.map((f) => f.mode ?? 'eager'))];
  const byMode = new Map(modes.map((mode) => [mode, new Map<string, Figure>()]));
  for (const f of official) byMode.get(f.mode ?? 'eager')!.set(key(f), f);
  const header = ['stage', 'batch', 'dtype', 'ours', ...modes.map((m) => `official ${m}`)];
  header.push(...modes.map((m) => `official ${m} ÷ ours`));
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const f of ours) {
    const theirs = modes.map((mode) => byMode.get(mode)!.get(key(f)));
    const ratios = theirs.map((t) => (t ? `${(t.ms_per_frame / f.ms_per_frame).toFixed(2)}×` : ''));
    lines.push(`| ${[f.stage, f.batch, f.dtype, cell(f), ...theirs.map(cell), ...ratios].join(' | ')} |`);
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { ours: { type: 'string' }, official: { type: 'string' }, title: { type: 'string' } },
  });
  if (!values.ours || !values.official) {
    console.error('render-table takes --ours <file> and --official <file>[,<file>…]');
    process.exit(2);
  }
  if (values.title) console.log(`${values.title}\n`);
  console.log('Per 512² frame: median ms per frame (frames/s). Ratio above 1: ours is faster.\n');
  for (const line of renderTable(readFigures([values.ours]), readFigures(values.official.split(','))))
    console.log(line);
}
