import { ModelLoadError } from '@joyvasa/core';
import { checkErrorClasses, coreErrorClassCases } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { TfjsModelError } from './tfjs-model-error.js';

describe('TfjsModelError', () => {
  it('is a ModelLoadError, and neither a plain ModelLoadError nor its sibling CheckpointError is one', () => {
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: CheckpointError, instance: new CheckpointError('f.pth', 'truncated') },
      { errorClass: TfjsModelError, instance: new TfjsModelError('model.json', 'short shard') },
    ]);
    expect(problems).toEqual([]);
    expect(TfjsModelError.isInstance(new ModelLoadError('model.json', 'unreadable'))).toBe(false);
    expect(CheckpointError.isInstance(new TfjsModelError('model.json', 'short shard'))).toBe(false);
  });
});
