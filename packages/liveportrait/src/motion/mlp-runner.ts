import {
  checkSessionIo,
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  type RunOptions,
  type SessionV1,
  type TensorLike,
} from '@joyvasa/core';

/**
 * Runs one of the stitching/retargeting MLPs: `[batch, inputSize]` float32 in, `[batch, outputSize]` out.
 * A plain function, so a session, a test double or a golden harness can stand behind it.
 */
export type MlpRunner = (input: Float32Tensor, options?: RunOptions) => Promise<TensorLike>;

/**
 * An {@link MlpRunner} over a session of a retargeting MLP (`stitching`, `retarget_lip`, `retarget_eye`):
 * feeds and reads the names of `graphIo.retargeting`. Throws `InvalidInputError` for a session of another graph.
 */
export function createMlpRunner(session: SessionV1): MlpRunner {
  checkSessionIo(session, graphIo.retargeting, {
    graph: 'a retargeting MLP',
    fix: 'load the stitching, retarget_lip or retarget_eye component of the bundle',
  });
  const { input: inputName } = graphIo.retargeting.inputs;
  const { output: outputName } = graphIo.retargeting.outputs;
  return async (input, options) => {
    const outputs = await session.run({ [inputName]: input }, options);
    const output = outputs[outputName];
    if (!output) throw new InvalidInputError('session', `the run returned no '${outputName}' output`);
    return output;
  };
}

/**
 * Runs an MLP on `rows` inputs stacked in `input` (one run, `[rows, input.length / rows]`) and checks that
 * it returned `size` finite float32 values in all (`rows` outputs, stacked the same way).
 */
export async function runMlp(
  run: MlpRunner,
  what: string,
  input: Float32Array,
  size: number,
  options?: RunOptions,
  rows = 1,
): Promise<Float32Array> {
  const output = await run({ type: 'float32', dims: [rows, input.length / rows], data: input }, options);
  if (output?.type !== 'float32' || output.data.length !== size) {
    throw new InvalidInputError(
      `${what} output`,
      `expected float32 with ${size} values, got ${output?.type} [${output?.dims?.join(', ')}]; is it the ${what} MLP?`,
    );
  }
  const data = output.data as Float32Array;
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(data[i]!)) throw new InvalidInputError(`${what} output`, `value ${i} is ${data[i]}`);
  }
  return data;
}
