import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createTalkingHead } from './create-talking-head.js';

describe('createTalkingHead (browser entry) outside a page', () => {
  it('refuses a relative bundle URL when there is no page to resolve it against', async () => {
    const error = await createTalkingHead({ models: '/models/fixture/' }).catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/relative URLs need a page or worker/);
  });
});
