import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { GraphBuilder } from './graph-builder.js';
import { readOnnxIo } from './read-onnx-io.js';

describe('readOnnxIo', () => {
  it('reads the inputs and outputs our writer declares, with free dimensions', () => {
    const g = new GraphBuilder('io');
    const x = g.input('input.1', 'float32', [1, 3, 'height', 'width']);
    const k = g.input('step', 'int64', ['batch']);
    g.output(g.op('Identity', [x]), 'out', 'float32', [1, 3, 'height', 'width']);
    g.output(g.op('Identity', [k]), 'step_out', 'int64', [null]);
    g.initializer({ type: 'float32', dims: [2], data: new Float32Array(2) }, 'unused_weight');
    const io = readOnnxIo(g.encode());
    expect(io.inputs).toEqual({
      'input.1': { type: 'float32', dims: [1, 3, 'height', 'width'] },
      step: { type: 'int64', dims: ['batch'] },
    });
    expect(io.outputs).toEqual({
      out: { type: 'float32', dims: [1, 3, 'height', 'width'] },
      step_out: { type: 'int64', dims: [null] },
    });
  });

  it('rejects bytes that are not a model, and truncated models', () => {
    expect(() => readOnnxIo(new TextEncoder().encode('hello world'))).toThrow(CheckpointError);
    const g = new GraphBuilder('io');
    g.output(g.op('Identity', [g.input('x', 'float32', [1])]), 'y', 'float32', [1]);
    const bytes = g.encode();
    expect(() => readOnnxIo(bytes.subarray(0, bytes.length - 12))).toThrow(/truncated/);
  });
});
