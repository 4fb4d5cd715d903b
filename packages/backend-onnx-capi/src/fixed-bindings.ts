import type { DType } from '@joyvasa/core';
import type { OrtRuntime } from './ort-runtime.js';
import type { DeviceMemory } from './session-parts.js';

/** The device buffers of one input shape: the same addresses on every run, as CUDA graph replay needs. */
export interface FixedBuffers {
  /** The `gpu_graph_id` this shape's graph is captured under. */
  readonly graphId: number;
  /** Run options carrying that id. */
  readonly runOptions: bigint;
  /** Device input values by name, allocated on first use. */
  readonly inputs: Map<string, bigint>;
  /** Device output values by name, taken from the first run (which lets the runtime allocate them). */
  outputs?: Map<string, bigint>;
}

/**
 * Fixed device buffers per input shape, for sessions with CUDA graphs: each shape gets its own graph id and
 * buffers, so a session may alternate between, say, batch 8 and a last batch of 3 without re-capturing.
 */
export class FixedBindings {
  readonly #byShape = new Map<string, FixedBuffers>();

  constructor(
    private readonly runtime: OrtRuntime,
    private readonly allocator: bigint,
  ) {}

  /** The buffers of the shapes of these feeds. */
  forShapes(shapes: Readonly<Record<string, { readonly dims: readonly number[] }>>): FixedBuffers {
    const key = Object.entries(shapes)
      .map(([name, { dims }]) => `${name}:${dims.join('x')}`)
      .sort()
      .join(';');
    let buffers = this.#byShape.get(key);
    if (!buffers) {
      const graphId = this.#byShape.size;
      const runOptions = this.runtime.create('run-options', 'CreateRunOptions');
      this.runtime.call('AddRunConfigEntry', runOptions, 'gpu_graph_id', String(graphId));
      buffers = { graphId, runOptions, inputs: new Map() };
      this.#byShape.set(key, buffers);
    }
    return buffers;
  }

  /** The fixed device input of a name in these buffers, allocated on first use. */
  input(buffers: FixedBuffers, name: string, type: DType, dims: readonly number[]): bigint {
    let value = buffers.inputs.get(name);
    if (value === undefined) {
      value = this.runtime.allocateTensor(this.allocator, type, dims);
      buffers.inputs.set(name, value);
    }
    return value;
  }

  /** Releases every buffer and run option. */
  dispose(): void {
    for (const buffers of this.#byShape.values()) {
      for (const value of [...buffers.inputs.values(), ...(buffers.outputs?.values() ?? [])]) {
        this.runtime.release('value', value);
      }
      this.runtime.release('run-options', buffers.runOptions);
    }
    this.#byShape.clear();
  }
}

/**
 * Copies of fixed outputs (`fetches` of `fixed`) in fresh device memory, each the caller's to release: a CUDA
 * graph's outputs live in buffers the next replay overwrites, so a device tensor handed to another session
 * must not be one of them. One device-to-device copy per output.
 */
export async function copyOutOfFixed(
  runtime: OrtRuntime,
  memory: DeviceMemory,
  fetches: readonly string[],
  fixed: ReadonlyMap<string, bigint>,
): Promise<bigint[]> {
  const copies: bigint[] = [];
  try {
    for (const name of fetches) {
      const source = fixed.get(name)!;
      const { type, dims } = runtime.shapeOf(source);
      const copy = runtime.allocateTensor(memory.allocator, type, dims);
      copies.push(copy);
      await memory.copier.copyInto(type, dims.length, source, copy);
    }
    return copies;
  } catch (error) {
    for (const value of copies) runtime.release('value', value);
    throw error;
  }
}
