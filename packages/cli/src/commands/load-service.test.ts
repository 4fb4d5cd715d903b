import { MissingDependencyError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { loadService } from './load-service.js';
import { parseWorkerDevice } from './worker-command.js';

describe('loadService', () => {
  it('names @joyvasa/service in a MissingDependencyError when it is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package '@joyvasa/service'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await rejectionOf(loadService(() => Promise.reject(missing)));
    expect(MissingDependencyError.isInstance(error), error.message).toBe(true);
    expect((error as MissingDependencyError).dependency).toBe('@joyvasa/service');
    expect(error.message).toContain('npm install @joyvasa/service');
  });

  it('lets other failures of the import through', async () => {
    const broken = new SyntaxError('Unexpected token');
    expect(await rejectionOf(loadService(() => Promise.reject(broken)))).toBe(broken);
  });
});

describe('parseWorkerDevice', () => {
  it.each([
    [undefined, { device: 'auto' }],
    ['cpu', { device: 'cpu' }],
    ['cuda', { device: 'cuda' }],
    ['cuda:3', { device: 'cuda', cudaDeviceId: 3 }],
  ] as const)('reads %s', (text, expected) => {
    expect(parseWorkerDevice(text)).toEqual(expected);
  });

  it('refuses anything else with a usage message', () => {
    expect(parseWorkerDevice('gpu0')).toMatch(/--device is cpu, cuda, cuda:N or auto/);
  });
});
