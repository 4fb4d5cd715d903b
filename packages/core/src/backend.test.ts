import { describe, expect, it } from 'vitest';
import { resolveDeviceRequest } from './backend.js';
import { UnsupportedDeviceError } from './errors.js';
import type { JoyvasaEvent } from './events.js';

describe('resolveDeviceRequest', () => {
  it('returns an explicit supported device and never falls back from an explicit one', () => {
    expect(resolveDeviceRequest('b', 'cpu', ['cpu'], ['cuda', 'cpu'])).toBe('cpu');
    expect(() => resolveDeviceRequest('b', 'cuda', ['cpu'], ['cuda', 'cpu'])).toThrow(UnsupportedDeviceError);
  });

  it('picks the best device for auto and reports what it skipped', () => {
    const events: JoyvasaEvent[] = [];
    expect(resolveDeviceRequest('onnx-node', 'auto', ['cpu'], ['cuda', 'cpu'], (e) => events.push(e))).toBe(
      'cpu',
    );
    expect(events).toEqual([
      { type: 'backend-fallback', backend: 'onnx-node', device: 'cpu', skipped: ['cuda'] },
    ]);
    events.length = 0;
    expect(resolveDeviceRequest('b', 'auto', ['cuda', 'cpu'], ['cuda', 'cpu'], (e) => events.push(e))).toBe(
      'cuda',
    );
    expect(events).toEqual([]);
  });

  it('fails when auto finds nothing', () => {
    expect(() => resolveDeviceRequest('b', 'auto', [], ['cuda'])).toThrow(/found no device/);
  });
});
