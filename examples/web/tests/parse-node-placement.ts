/** Where onnxruntime placed a session's nodes, read from its VERBOSE log. */
export interface NodePlacement {
  /** Node count per execution provider, e.g. `{ WebGpuExecutionProvider: 130 }`. */
  readonly counts: Readonly<Record<string, number>>;
  /** `OpType (node name)` of each node, per provider; the log lists them only when several providers share a graph. */
  readonly nodes: Readonly<Record<string, readonly string[]>>;
}

/**
 * Reads the "Node placements" report onnxruntime writes at session creation with
 * `logSeverityLevel: 0`: either `All nodes placed on [EP]. Number of nodes: N`, or one
 * `Node(s) placed on [EP]. Number of nodes: N` block per provider followed by its nodes, one a line.
 * Returns undefined when the log has no such report (logging off, or another onnxruntime version).
 */
export function parseNodePlacement(lines: readonly string[]): NodePlacement | undefined {
  const counts: Record<string, number> = {};
  const nodes: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of lines.flatMap((entry) => entry.split('\n'))) {
    const header = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(line);
    if (header) {
      const provider = header[1]!;
      counts[provider] = (counts[provider] ?? 0) + Number(header[2]);
      current = nodes[provider] ??= [];
      continue;
    }
    const node = /^\s+(\w+) \((.*)\)\s*$/.exec(line);
    if (node && current) current.push(`${node[1]} (${node[2]})`);
    else current = undefined;
  }
  return Object.keys(counts).length > 0 ? { counts, nodes } : undefined;
}
