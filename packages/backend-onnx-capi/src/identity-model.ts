/**
 * The bytes of a one-node ONNX model, `y = Identity(x)` for one element type and any shape (opset 13), which
 * the backend runs to copy a tensor between the host and the device through onnxruntime's own copies. Written
 * out as protobuf by hand so this package needs no model builder; a test runs it.
 */

const encoder = new TextEncoder();

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/** A length-delimited field (wire type 2). */
const field = (number: number, payload: ArrayLike<number>): number[] => [
  ...varint((number << 3) | 2),
  ...varint(payload.length),
  ...Array.from(payload),
];
/** A varint field (wire type 0). */
const integer = (number: number, value: number): number[] => [...varint(number << 3), ...varint(value)];
const text = (number: number, value: string) => field(number, encoder.encode(value));

/** ValueInfoProto: a name and a tensor type of unknown shape. */
const valueInfo = (name: string, elementType: number) =>
  [...text(1, name), ...field(2, field(1, integer(1, elementType)))] as const;

/** The Identity model for an ONNX element type number. */
export function identityModel(elementType: number): Uint8Array {
  const node = [...text(1, 'x'), ...text(2, 'y'), ...text(3, 'copy'), ...text(4, 'Identity')];
  const graph = [
    ...field(1, node),
    ...text(2, 'copy'),
    ...field(11, valueInfo('x', elementType)),
    ...field(12, valueInfo('y', elementType)),
  ];
  const opset = [...text(1, ''), ...integer(2, 13)];
  return Uint8Array.from([
    ...integer(1, 8),
    ...text(2, '@joyvasa/backend-onnx-capi'),
    ...field(7, graph),
    ...field(8, opset),
  ]);
}
