import { describe, expect, it } from 'vitest';
import { ModelLoadError } from './errors.js';
import { OutputWriteError } from './output-write-error.js';
import { checkErrorClasses, coreErrorClassCases } from './testing/index.js';

describe('OutputWriteError', () => {
  it('is recognised only as itself and JoyvasaError, never as a sibling', () => {
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: OutputWriteError, instance: new OutputWriteError('f.onnx', full, 'Free some space.') },
    ]);
    expect(problems).toEqual([]);
    expect(OutputWriteError.isInstance(new ModelLoadError('f.onnx', 'unreadable'))).toBe(false);
    expect(new OutputWriteError('f.onnx', full, 'Free some space.').message).toMatch(
      /the disk is full \(ENOSPC\)/,
    );
  });
});
