/**
 * Counts the op types of an ONNX model's main graph, by walking its protobuf: ModelProto.graph (field 7)
 * → GraphProto.node (field 1) → NodeProto.op_type (field 4). Enough to tell which operators a file
 * holds without a runtime; subgraphs (If, Loop) are not entered.
 */
export function countOnnxOps(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  const graph = fields(bytes, 0, bytes.length).find((f) => f.field === 7);
  if (!graph) throw new Error('not an ONNX model: no graph');
  for (const node of fields(bytes, graph.start, graph.end).filter((f) => f.field === 1)) {
    const opType = fields(bytes, node.start, node.end).find((f) => f.field === 4);
    if (!opType) continue;
    const name = new TextDecoder().decode(bytes.subarray(opType.start, opType.end));
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

interface Field {
  readonly field: number;
  readonly start: number;
  readonly end: number;
}

/** The length-delimited fields of one message (other wire types are skipped). */
function fields(bytes: Uint8Array, start: number, end: number): Field[] {
  const found: Field[] = [];
  let offset = start;
  const varint = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < end) {
    const key = varint();
    const wireType = key & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === 2) {
      const length = varint();
      found.push({ field: Math.floor(key / 8), start: offset, end: offset + length });
      offset += length;
    } else throw new Error(`unsupported protobuf wire type ${wireType} at byte ${offset}`);
  }
  return found;
}
