import { describe, expect, it } from 'vitest';
import { SessionRunError } from './errors.js';
import { assertFeedsComplete, requestedOutputs } from './session-feeds.js';
import { createTensor } from './tensor.js';

const x = createTensor('float32', [1, 2], Float32Array.of(1, 2));

describe('session feed checks', () => {
  it('names the missing inputs and what was given', () => {
    expect(() => assertFeedsComplete('mlp', ['x'], { x })).not.toThrow();
    const error = (() => {
      try {
        assertFeedsComplete('mlp', ['x', 'y'], { x });
      } catch (caught) {
        return caught;
      }
    })();
    expect(SessionRunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/missing inputs y \(got x float32\[1, 2\]\)/);
  });

  it('gives every output by default, the requested ones otherwise, and refuses an unknown name', () => {
    expect(requestedOutputs('mlp', ['y', 'z'], {})).toEqual(['y', 'z']);
    expect(requestedOutputs('mlp', ['y', 'z'], { outputs: ['z'] })).toEqual(['z']);
    expect(() => requestedOutputs('mlp', ['y', 'z'], { outputs: ['w'] })).toThrow(/no output named w/);
  });
});
