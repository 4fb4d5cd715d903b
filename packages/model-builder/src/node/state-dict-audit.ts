import type { TensorLike } from '@joyvasa/core';
import type { StateDictEntry } from '../architectures/liveportrait/state-dict-entries.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import type { WeightProblem } from '../weights/weight-source.js';

/** How a checkpoint's keys compare with the keys and shapes an architecture expects. */
export interface StateDictAudit {
  /** Expected keys that are missing or stored with another shape. */
  readonly problems: WeightProblem[];
  /** Keys the file holds that the architecture does not know (reported, not fatal). */
  readonly unexpected: string[];
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((dim, i) => dim === b[i]);

/**
 * Compares a state dict with the `entries` an architecture declares. Entries matching `optional` (BatchNorm's
 * `num_batches_tracked`) may be absent; file keys matching it are never unexpected.
 */
export function auditStateDict(
  stateDict: ReadonlyMap<string, TensorLike>,
  entries: readonly StateDictEntry[],
  optional: readonly RegExp[] = [],
): StateDictAudit {
  const isOptional = (key: string) => optional.some((pattern) => pattern.test(key));
  const problems: WeightProblem[] = [];
  const declared = new Set<string>();
  for (const { key, shape } of entries) {
    declared.add(key);
    const tensor = stateDict.get(key);
    if (!tensor) {
      if (!isOptional(key)) problems.push({ key, expected: shape });
    } else if (!sameShape(tensor.dims, shape) && !isOptional(key)) {
      problems.push({ key, expected: shape, actual: tensor.dims });
    }
  }
  const unexpected = [...stateDict.keys()].filter((key) => !declared.has(key) && !isOptional(key));
  return { problems, unexpected };
}

const dims = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** One line per problem: `missing <key> [shape]` or `<key> is [a], expected [b]`. */
export function describeProblems(problems: readonly WeightProblem[]): string {
  return problems
    .map((p) =>
      p.actual
        ? `${p.key} is ${dims(p.actual)}, expected ${dims(p.expected)}`
        : `missing ${p.key} ${dims(p.expected)}`,
    )
    .join('; ');
}

/**
 * Throws one {@link CheckpointError} for `file` listing every problem, so a bad file is never loaded in part.
 * `what` names the network, `hint` says how to fix it.
 */
export function assertNoProblems(
  file: string,
  what: string,
  problems: readonly WeightProblem[],
  hint: string,
): void {
  if (problems.length === 0) return;
  throw new CheckpointError(
    file,
    // The hint comes before the list: a file of other sizes mismatches nearly every key.
    `${problems.length} weight${problems.length === 1 ? '' : 's'} of ${what} do not match. ${hint} ` +
      `All of them: ${describeProblems(problems)}`,
  );
}
