import { describe, expect, it } from 'vitest';
import { decodeJobError, encodeJobError } from './video-job.js';

describe('job errors in Redis', () => {
  it('keep the typed error name through the one string BullMQ stores', () => {
    for (const error of [
      { name: 'NoFaceFoundError', message: 'no face: try --face-box' },
      { name: 'Error', message: 'EIO: i/o error' },
      { name: 'SessionRunError', message: 'Running renderer failed: a: b' },
    ]) {
      expect(decodeJobError(encodeJobError(error))).toEqual(error);
    }
  });

  it('reads a reason without a name as an Error', () => {
    expect(decodeJobError('job stalled more than allowable limit')).toEqual({
      name: 'Error',
      message: 'job stalled more than allowable limit',
    });
  });
});
