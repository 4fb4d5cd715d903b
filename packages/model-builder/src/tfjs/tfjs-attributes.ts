import type { TfjsAttribute, TfjsNode } from './tfjs-graph-model.js';
import { TfjsModelError } from './tfjs-model-error.js';

/** model.json stores string attributes (padding, data_format, fused_ops) base64-encoded. */
function decodeString(value: string): string {
  return atob(value);
}

/** Reads the typed attributes of one node, naming the node in errors. */
export class NodeAttributes {
  constructor(private readonly node: TfjsNode) {}

  private get(key: string): TfjsAttribute | undefined {
    return this.node.attr?.[key];
  }

  string(key: string, fallback?: string): string {
    const value = this.get(key)?.s;
    if (value !== undefined) return decodeString(value);
    if (fallback !== undefined) return fallback;
    throw this.missing(key);
  }

  strings(key: string): string[] {
    return (this.get(key)?.list?.s ?? []).map(decodeString);
  }

  ints(key: string, fallback?: readonly number[]): number[] {
    const list = this.get(key)?.list?.i;
    if (list && list.length > 0) return list.map(Number);
    if (fallback) return [...fallback];
    throw this.missing(key);
  }

  int(key: string, fallback?: number): number {
    const value = this.get(key)?.i;
    if (value !== undefined) return Number(value);
    if (fallback !== undefined) return fallback;
    throw this.missing(key);
  }

  float(key: string, fallback?: number): number {
    const value = this.get(key)?.f;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(key);
  }

  bool(key: string): boolean {
    return this.get(key)?.b === true;
  }

  /** A Placeholder's shape; unknown sizes (−1) become `unknown`. */
  shape(key: string, unknown: number): number[] {
    return (this.get(key)?.shape?.dim ?? []).map((dim) => {
      const size = Number(dim.size ?? -1);
      return size < 0 ? unknown : size;
    });
  }

  private missing(key: string): TfjsModelError {
    return new TfjsModelError(this.node.name, `${this.node.op} node lacks its ${key} attribute`);
  }
}
