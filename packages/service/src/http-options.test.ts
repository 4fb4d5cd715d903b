import { InvalidInputError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { parseHttpOptions } from './http-options.js';

const problem = (text: string) => rejectionOf(Promise.resolve().then(() => parseHttpOptions(text)));

describe('parseHttpOptions', () => {
  it('maps the HTTP names onto generate() options', () => {
    expect(
      parseHttpOptions('{"seed": 3, "ddimSteps": 10, "animal": true, "faceBox": [1, 2, 30, 40]}'),
    ).toEqual({
      options: { seed: 3, sampler: { ddim: 10 }, faceBox: [1, 2, 30, 40] },
      animal: true,
    });
    expect(parseHttpOptions(undefined)).toEqual({ options: {}, animal: false });
  });

  it.each([
    ['{"cfgScale": 99}', 'options.cfgScale'],
    ['{"seed": 1.5}', 'options.seed'],
    ['{"unknown": 1}', 'options.unknown'],
    ['[1]', 'options'],
    ['{', 'options'],
  ])('refuses %s naming %s', async (text, input) => {
    const error = await problem(text);
    expect(InvalidInputError.isInstance(error), error.message).toBe(true);
    expect((error as InvalidInputError).input).toBe(input);
  });
});
