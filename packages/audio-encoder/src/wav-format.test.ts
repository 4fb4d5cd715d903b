import { InvalidInputError } from '@joyvasa/core';
import { checkErrorClasses, coreErrorClassCases } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { UnsupportedWavCodecError } from './wav-format.js';

describe('UnsupportedWavCodecError', () => {
  it('is an InvalidInputError, and a plain InvalidInputError or a sibling is not one', () => {
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: UnsupportedWavCodecError, instance: new UnsupportedWavCodecError(6) },
    ]);
    expect(problems).toEqual([]);
    expect(UnsupportedWavCodecError.isInstance(new InvalidInputError('audio', 'empty'))).toBe(false);
    expect(new UnsupportedWavCodecError(6).message).toMatch(/A-law \(format tag 0x0006\)/);
  });
});
