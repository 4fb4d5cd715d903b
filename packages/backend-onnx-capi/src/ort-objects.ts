/** The kinds of onnxruntime objects this backend creates and must release. */
export type OrtObjectKind =
  | 'session'
  | 'session-options'
  | 'cuda-options'
  | 'tensorrt-options'
  | 'run-options'
  | 'io-binding'
  | 'memory-info'
  | 'allocator'
  | 'value';

/**
 * Counts the onnxruntime objects alive per kind: each creation adds one, each release takes one away, so
 * a test can check that disposing a session leaves nothing behind.
 */
export class OrtObjectCounter {
  readonly #live = new Map<OrtObjectKind, number>();

  /** Records a created object. */
  created(kind: OrtObjectKind): void {
    this.#live.set(kind, (this.#live.get(kind) ?? 0) + 1);
  }

  /** Records a released object. */
  released(kind: OrtObjectKind): void {
    this.#live.set(kind, (this.#live.get(kind) ?? 0) - 1);
  }

  /** Objects alive now, per kind with any alive. */
  alive(): Record<string, number> {
    return Object.fromEntries([...this.#live].filter(([, count]) => count !== 0));
  }
}
