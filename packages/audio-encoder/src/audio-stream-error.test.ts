import { InvalidInputError } from '@joyvasa/core';
import { checkErrorClasses, coreErrorClassCases } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { AudioStreamError } from './audio-stream-error.js';
import { UnsupportedWavCodecError } from './wav-format.js';

describe('AudioStreamError', () => {
  it('is recognised only as itself and JoyvasaError, never as a sibling', () => {
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: UnsupportedWavCodecError, instance: new UnsupportedWavCodecError(6) },
      { errorClass: AudioStreamError, instance: new AudioStreamError('stalled', 'no chunk for 5 s') },
    ]);
    expect(problems).toEqual([]);
    expect(AudioStreamError.isInstance(new InvalidInputError('audio', 'empty'))).toBe(false);
    expect(new AudioStreamError('producer-failed', 'x').failure).toBe('producer-failed');
  });
});
