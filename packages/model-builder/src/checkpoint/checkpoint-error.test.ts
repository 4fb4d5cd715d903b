import { ModelLoadError } from '@joyvasa/core';
import { checkErrorClasses, coreErrorClassCases } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { CheckpointError, toCheckpointError } from './checkpoint-error.js';

describe('CheckpointError', () => {
  it('is a ModelLoadError, and neither a plain ModelLoadError nor a sibling is a CheckpointError', () => {
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: CheckpointError, instance: new CheckpointError('f.pth', 'forbidden global') },
    ]);
    expect(problems).toEqual([]);
    expect(CheckpointError.isInstance(new ModelLoadError('f.pth', 'truncated'))).toBe(false);
  });

  it('passes checkpoint errors through and wraps anything else, naming the file', () => {
    const original = new CheckpointError('a.pth', 'bad');
    expect(toCheckpointError('a.pth', original)).toBe(original);
    const wrapped = toCheckpointError('b.pth', new ModelLoadError('b.pth', 'truncated'));
    expect(CheckpointError.isInstance(wrapped)).toBe(true);
    expect(wrapped.message).toMatch(/b\.pth.*corrupt or not a checkpoint/);
  });
});
