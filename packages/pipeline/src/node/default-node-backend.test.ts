import { type BackendV1, MissingDependencyError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { loadDefaultNodeBackend } from './default-node-backend.js';

describe('the default Node backend (an optional peer dependency)', () => {
  it('is onnxruntime-node where @joyvasa/backend-onnx-node is installed', async () => {
    const backend = await loadDefaultNodeBackend();
    expect(backend.name).toBe('onnx-node');
  });

  it("asks for sessions in worker threads, leaving the caller's event loop free", async () => {
    const asked: unknown[] = [];
    const backend = { name: 'fake' } as BackendV1;
    const loaded = await loadDefaultNodeBackend(async () => ({
      createOnnxNodeBackend: (options) => {
        asked.push(options);
        return backend;
      },
    }));
    expect(loaded).toBe(backend);
    expect(asked).toEqual([{ thread: 'worker' }]);
  });

  it('names the package to install where it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@joyvasa/backend-onnx-node'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await rejectionOf(loadDefaultNodeBackend(() => Promise.reject(missing)));
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error.message).toContain('npm install @joyvasa/backend-onnx-node');
  });

  it('passes other import failures through unchanged', async () => {
    const broken = new SyntaxError('broken build');
    expect(await rejectionOf(loadDefaultNodeBackend(() => Promise.reject(broken)))).toBe(broken);
  });
});
