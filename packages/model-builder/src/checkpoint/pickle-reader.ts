import { CheckpointError, toCheckpointError } from './checkpoint-error.js';
import { PickleMachine } from './pickle-machine.js';
import { opcodeFor } from './pickle-opcodes.js';
import type { PickleValue } from './pickle-value.js';
import type { PendingTensor } from './torch-storage.js';

/** Options of {@link readPickle}. */
export interface PickleReadOptions {
  /** File name used in error messages. Default `'pickle'`. */
  readonly name?: string;
  /** Byte offset where the pickle starts (several pickles may follow each other). Default 0. */
  readonly offset?: number;
  /**
   * Resolves persistent ids (BINPERSID / PERSID), e.g. torch's `('storage', type, key, location, numel)`.
   * Without it, a pickle that uses persistent ids is rejected.
   */
  readonly persistentLoad?: (pid: PickleValue) => PickleValue;
}

/** What {@link readPickle} found. */
export interface PickleReadResult {
  /** The object tree (see {@link PickleValue} for how Python types map). */
  readonly value: PickleValue;
  /** Byte offset just past the STOP opcode. */
  readonly end: number;
  /**
   * Torch tensors whose storage bytes are not known yet; their objects in `value` stay empty until
   * `materializeTensors` fills them. Empty for pickles without persistent ids.
   */
  readonly pendingTensors: readonly PendingTensor[];
}

/**
 * Parses one pickle (protocols 0–5) into data. This is a parser, not an interpreter: globals are looked up in
 * a fixed allow-list (tensors, numpy arrays, OrderedDict, argparse.Namespace, pathlib paths, …) and any other
 * global — `os.system`, `builtins.eval`, an unknown class — is rejected with a {@link CheckpointError} before
 * anything is built from it. Truncated or corrupt input also gives a CheckpointError, never a hang.
 */
export function readPickle(bytes: Uint8Array, options: PickleReadOptions = {}): PickleReadResult {
  const file = options.name ?? 'pickle';
  try {
    return run(new PickleMachine(bytes, file, options.offset ?? 0, options.persistentLoad));
  } catch (error) {
    throw toCheckpointError(file, error);
  }
}

function run(m: PickleMachine): PickleReadResult {
  const { bytes, file } = m;
  for (;;) {
    m.opcodeStart = m.pos;
    if (m.pos >= bytes.length) {
      throw new CheckpointError(
        file,
        `the pickle ends at byte ${bytes.length} without a STOP opcode; the file is truncated`,
      );
    }
    const byte = bytes[m.pos++]!;
    if (byte === 0x2e) break;
    const opcode = opcodeFor(byte);
    if (!opcode) {
      throw new CheckpointError(
        file,
        `byte ${m.opcodeStart} holds 0x${byte.toString(16).padStart(2, '0')}, which is no pickle opcode; ` +
          'the file is corrupt or not a pickle',
      );
    }
    m.opcodeName = opcode.name;
    opcode.run(m);
  }
  m.opcodeName = 'STOP';
  if (m.stack.length !== 1 || m.marks.length > 0) {
    m.fail(`the stack holds ${m.stack.length} values at STOP instead of 1; the pickle is corrupt`);
  }
  m.checkBuilt();
  return { value: m.stack[0]!, end: m.pos, pendingTensors: m.pending };
}
