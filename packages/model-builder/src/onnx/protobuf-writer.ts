/**
 * A minimal protobuf encoder: just the wire types ONNX's ModelProto needs. Messages are kept as lists of
 * byte parts so large tensors are copied once, into the final buffer.
 */
export class ProtobufWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** Encoded length in bytes. */
  get length(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(encodeVarint(BigInt((field << 3) | wireType)));
  }

  /** A varint field (int32, int64, enum, bool). Negative values use 10-byte two's complement, as protobuf does. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.push(encodeVarint(BigInt.asUintN(64, BigInt(value))));
    return this;
  }

  /** A float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  /** A length-delimited bytes field. The bytes are referenced, not copied. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.push(encodeVarint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtobufWriter): this {
    this.tag(field, 2);
    this.push(encodeVarint(BigInt(value.size)));
    for (const part of value.parts) this.push(part);
    return this;
  }

  /** A packed repeated varint field. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtobufWriter();
    for (const value of values) inner.push(encodeVarint(BigInt.asUintN(64, BigInt(value))));
    this.tag(field, 2);
    this.push(encodeVarint(BigInt(inner.size)));
    for (const part of inner.parts) this.push(part);
    return this;
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
    return this.bytes(field, bytes);
  }

  /** Concatenates the message into one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

function encodeVarint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0n);
  return Uint8Array.from(bytes);
}
