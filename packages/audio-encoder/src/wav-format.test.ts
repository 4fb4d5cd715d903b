import { InvalidInputError, JoyvasaError, ModelLoadError } from '@joyvasa/core';
import { checkErrorClasses } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { UnsupportedWavCodecError } from './wav-format.js';

describe('UnsupportedWavCodecError', () => {
  it('is an InvalidInputError, and a plain InvalidInputError or a sibling is not one', () => {
    const problems = checkErrorClasses([
      { errorClass: JoyvasaError, instance: new JoyvasaError('base') },
      { errorClass: InvalidInputError, instance: new InvalidInputError('audio', 'empty') },
      { errorClass: ModelLoadError, instance: new ModelLoadError('f.wav', 'unreadable') },
      { errorClass: UnsupportedWavCodecError, instance: new UnsupportedWavCodecError(6) },
    ]);
    expect(problems).toEqual([]);
    expect(UnsupportedWavCodecError.isInstance(new InvalidInputError('audio', 'empty'))).toBe(false);
    expect(new UnsupportedWavCodecError(6).message).toMatch(/A-law \(format tag 0x0006\)/);
  });
});
