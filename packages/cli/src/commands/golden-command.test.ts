import { describe, expect, it } from 'vitest';
import { goldenCommand, isHarnessMissing } from './golden-command.js';

function moduleNotFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/bin.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('joyvasa golden', () => {
  it('treats only the harness package not being found as "not a checkout"', () => {
    expect(isHarnessMissing(moduleNotFound('@joyvasa/golden'))).toBe(true);
    expect(isHarnessMissing(moduleNotFound('@joyvasa/model-builder'))).toBe(false);
    expect(isHarnessMissing(new SyntaxError('Unexpected token'))).toBe(false);
    expect(isHarnessMissing(undefined)).toBe(false);
  });

  it('runs the harness of the checkout: usage and exit code 2 without a folder', async () => {
    expect(await goldenCommand([])).toBe(2);
  });
});
