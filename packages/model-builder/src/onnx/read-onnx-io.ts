import type { DimPattern, DType, TensorSpec } from '@joyvasa/core';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { onnxDataType } from './onnx-model.js';

/** A cursor over protobuf bytes: just enough to walk ModelProto → GraphProto → ValueInfoProto. */
class ProtobufCursor {
  private offset: number;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly end: number,
    start: number,
    readonly file: string,
  ) {
    this.offset = start;
  }

  private varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new CheckpointError(this.file, 'the ONNX file is truncated');
      const byte = this.bytes[this.offset++]!;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
    throw new CheckpointError(this.file, 'the ONNX file has a malformed varint');
  }

  text(): string {
    return new TextDecoder().decode(this.bytes.subarray(this.offset, this.end));
  }

  /** Visits each field: varints as numbers, length-delimited fields as cursors; fixed-width ones are skipped. */
  fields(onField: (field: number, value: number | ProtobufCursor) => void): void {
    while (this.offset < this.end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wireType = key & 7;
      if (wireType === 0) onField(field, this.varint());
      else if (wireType === 1) this.offset += 8;
      else if (wireType === 5) this.offset += 4;
      else if (wireType === 2) {
        const length = this.varint();
        const start = this.offset;
        if (start + length > this.end) throw new CheckpointError(this.file, 'the ONNX file is truncated');
        onField(field, new ProtobufCursor(this.bytes, start + length, start, this.file));
        this.offset = start + length;
      } else throw new CheckpointError(this.file, `unsupported protobuf wire type ${wireType}`);
    }
    if (this.offset > this.end) throw new CheckpointError(this.file, 'the ONNX file is truncated');
  }
}

const dtypeByCode = new Map<number, DType>(
  Object.entries(onnxDataType).map(([name, code]) => [code, name as DType]),
);

const isCursor = (value: number | ProtobufCursor): value is ProtobufCursor => typeof value !== 'number';

/** ValueInfoProto: name (1) and TypeProto (2) → TypeProto.Tensor (1) → elem_type (1), shape (2) → dims (1). */
function readValueInfo(cursor: ProtobufCursor): [string, TensorSpec] {
  let name = '';
  let type: DType | undefined;
  const dims: DimPattern[] = [];
  cursor.fields((field, value) => {
    if (field === 1 && isCursor(value)) name = value.text();
    if (field !== 2 || !isCursor(value)) return;
    value.fields((typeField, tensorType) => {
      if (typeField !== 1 || !isCursor(tensorType)) return;
      tensorType.fields((tensorField, entry) => {
        if (tensorField === 1 && !isCursor(entry)) type = dtypeByCode.get(entry);
        if (tensorField !== 2 || !isCursor(entry)) return;
        entry.fields((shapeField, dim) => {
          if (shapeField !== 1 || !isCursor(dim)) return;
          let pattern: DimPattern = null;
          dim.fields((dimField, dimValue) => {
            if (dimField === 1 && !isCursor(dimValue)) pattern = dimValue;
            if (dimField === 2 && isCursor(dimValue)) pattern = dimValue.text();
          });
          dims.push(pattern);
        });
      });
    });
  });
  if (!type)
    throw new CheckpointError(cursor.file, `input or output '${name}' has an element type we do not use`);
  return [name, { type, dims }];
}

/**
 * Reads the graph inputs and outputs (names, element types, dimensions) of an ONNX model without decoding
 * its weights. Inputs that are initializers (old exporters list them) are left out.
 */
export function readOnnxIo(
  bytes: Uint8Array,
  file = 'model.onnx',
): {
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
} {
  const inputs: Record<string, TensorSpec> = {};
  const outputs: Record<string, TensorSpec> = {};
  const initializers = new Set<string>();
  let sawGraph = false;
  new ProtobufCursor(bytes, bytes.length, 0, file).fields((field, model) => {
    if (field !== 7 || !isCursor(model)) return;
    sawGraph = true;
    model.fields((graphField, value) => {
      if (!isCursor(value)) return;
      if (graphField === 11) {
        const [name, spec] = readValueInfo(value);
        inputs[name] = spec;
      } else if (graphField === 12) {
        const [name, spec] = readValueInfo(value);
        outputs[name] = spec;
      } else if (graphField === 5) {
        value.fields((tensorField, tensorName) => {
          if (tensorField === 8 && isCursor(tensorName)) initializers.add(tensorName.text());
        });
      }
    });
  });
  if (!sawGraph) throw new CheckpointError(file, 'not an ONNX model (no graph found)');
  for (const name of initializers) delete inputs[name];
  return { inputs, outputs };
}
