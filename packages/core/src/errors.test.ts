import { describe, expect, it } from 'vitest';
import {
  errorMarker,
  IntegrityError,
  InvalidInputError,
  isAbortError,
  JoyvasaError,
  ManifestError,
  ModelLoadError,
  NoFaceFoundError,
  SessionRunError,
  throwIfAborted,
  UnsupportedDeviceError,
} from './errors.js';
import { checkErrorClasses, coreErrorClassCases } from './testing/check-error-classes.js';

describe('errors', () => {
  it('are recognised by marker, also as plain objects from another copy of the package', () => {
    const error = new InvalidInputError('audio', 'it is empty');
    expect(JoyvasaError.isInstance(error)).toBe(true);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(ModelLoadError.isInstance(error)).toBe(false);
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('joyvasa.error')]: true,
      [Symbol.for('joyvasa.error.NoFaceFoundError')]: true,
    });
    expect(NoFaceFoundError.isInstance(foreign)).toBe(true);
    expect(JoyvasaError.isInstance(new Error('plain'))).toBe(false);
    expect(JoyvasaError.isInstance(undefined)).toBe(false);
  });

  const cases = coreErrorClassCases();

  it.each(cases)(
    '$errorClass.name refuses its siblings and accepts itself, also from another copy',
    (entry) => {
      const problems = checkErrorClasses(cases).filter((line) =>
        line.startsWith(`${entry.errorClass.name}.`),
      );
      expect(problems).toEqual([]);
      expect(entry.errorClass.isInstance(entry.instance)).toBe(true);
    },
  );

  it('recognise a subclass as its parents, and the parent not as the subclass', () => {
    class RetryableLoadError extends ModelLoadError {
      static override readonly marker = errorMarker('RetryableLoadError');
    }
    const error = new RetryableLoadError('f.pth', 'busy');
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect(JoyvasaError.isInstance(error)).toBe(true);
    expect(RetryableLoadError.isInstance(new ModelLoadError('f.pth', 'busy'))).toBe(false);
    expect(InvalidInputError.isInstance(error)).toBe(false);
  });

  it('refuse to answer for a subclass that declares no marker of its own', () => {
    class UnmarkedError extends ModelLoadError {}
    expect(() => UnmarkedError.isInstance(new ModelLoadError('f', 'x'))).toThrow(/UnmarkedError declares no/);
  });

  it('name the problem and carry its fields', () => {
    expect(new InvalidInputError('audio', 'it is empty').message).toBe('Invalid audio: it is empty');
    const device = new UnsupportedDeviceError('cuda', ['cpu']);
    expect(device.message).toMatch(/'cuda' is not available here; available: cpu/);
    expect(device.supported).toEqual(['cpu']);
    const integrity = new IntegrityError('g.onnx', 'a'.repeat(64), 'b'.repeat(64));
    expect(integrity.message).toMatch(/g\.onnx is corrupt/);
    expect(new ManifestError('components.x', 'bad').path).toBe('components.x');
    expect(new SessionRunError('warping', 'boom').component).toBe('warping');
    expect(new ModelLoadError('f.pth', 'truncated').message).toBe('Cannot load f.pth: truncated');
  });

  it('keep the cause', () => {
    const cause = new Error('root');
    expect(new ModelLoadError('x', 'y', { cause }).cause).toBe(cause);
  });

  it('throwIfAborted throws the abort reason', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort();
    let thrown: unknown;
    try {
      throwIfAborted(controller.signal);
    } catch (error) {
      thrown = error;
    }
    expect(isAbortError(thrown)).toBe(true);
    expect(isAbortError(new Error('other'))).toBe(false);
  });
});
