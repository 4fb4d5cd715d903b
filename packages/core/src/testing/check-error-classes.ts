import {
  DisposedError,
  IntegrityError,
  InvalidInputError,
  JoyvasaError,
  ManifestError,
  MissingDependencyError,
  ModelLoadError,
  NoFaceFoundError,
  SessionRunError,
  UnsupportedDeviceError,
} from '../errors.js';

/** An error class as {@link checkErrorClasses} sees it: a subclass of `JoyvasaError`, with its `isInstance`. */
export interface CheckedErrorClass {
  readonly name: string;
  readonly prototype: JoyvasaError;
  readonly isInstance: (error: unknown) => boolean;
}

/** One error class and an instance of it, for {@link checkErrorClasses}. */
export interface ErrorClassCase {
  readonly errorClass: CheckedErrorClass;
  readonly instance: JoyvasaError;
}

function isAncestorOrSelf(ancestor: CheckedErrorClass, errorClass: CheckedErrorClass): boolean {
  return (
    ancestor === errorClass || Object.prototype.isPrototypeOf.call(ancestor.prototype, errorClass.prototype)
  );
}

/**
 * Checks that each class's `isInstance` accepts instances of itself and its subclasses and refuses every
 * other class's instances (a sibling, a parent), also as a plain copy that keeps only the markers (an
 * error from another copy of the package). Returns one line per mistake: empty when all is well.
 */
export function checkErrorClasses(cases: readonly ErrorClassCase[]): string[] {
  const problems: string[] = [];
  for (const { errorClass: checker } of cases) {
    for (const { errorClass, instance } of cases) {
      const expected = isAncestorOrSelf(checker, errorClass);
      const copy = Object.assign(new Error(instance.message), pickSymbols(instance));
      for (const [what, value] of [
        ['an instance', instance],
        ['a foreign copy', copy],
      ] as const) {
        let actual: boolean;
        try {
          actual = checker.isInstance(value);
        } catch (error) {
          problems.push(`${checker.name}.isInstance throws: ${(error as Error).message}`);
          break;
        }
        if (actual !== expected) {
          problems.push(`${checker.name}.isInstance(${what} of ${errorClass.name}) is ${actual}`);
        }
      }
    }
  }
  return problems;
}

function pickSymbols(value: object): Record<symbol, unknown> {
  const picked: Record<symbol, unknown> = {};
  for (const key of Object.getOwnPropertySymbols(value))
    picked[key] = (value as Record<symbol, unknown>)[key];
  return picked;
}

/**
 * `JoyvasaError` and each of core's error classes with an instance: the siblings and parents a package's
 * own error classes are checked against (`checkErrorClasses([...coreErrorClassCases(), ...mine])`).
 */
export function coreErrorClassCases(): ErrorClassCase[] {
  return [
    { errorClass: JoyvasaError, instance: new JoyvasaError('base') },
    { errorClass: InvalidInputError, instance: new InvalidInputError('audio', 'it is empty') },
    { errorClass: NoFaceFoundError, instance: new NoFaceFoundError('no face') },
    { errorClass: ModelLoadError, instance: new ModelLoadError('f.pth', 'truncated') },
    { errorClass: IntegrityError, instance: new IntegrityError('g.onnx', 'a', 'b') },
    { errorClass: ManifestError, instance: new ManifestError('components', 'bad') },
    { errorClass: UnsupportedDeviceError, instance: new UnsupportedDeviceError('cuda', ['cpu']) },
    { errorClass: SessionRunError, instance: new SessionRunError('warping', 'boom') },
    { errorClass: MissingDependencyError, instance: new MissingDependencyError('ffmpeg', 'missing') },
    { errorClass: DisposedError, instance: new DisposedError('talking head', 'create a new one') },
  ];
}
