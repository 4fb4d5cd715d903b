const baseMarker = Symbol.for('joyvasa.error');

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/**
 * Base class of every error the SDK throws on purpose.
 *
 * Recognise errors with the static `isInstance` checks rather than `instanceof`: they also work when
 * two copies of `@joyvasa/core` end up in one install.
 */
export class JoyvasaError extends Error {
  readonly [baseMarker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JoyvasaError';
  }

  /** True for any JoyVASA error, from any copy of this package. */
  static isInstance(error: unknown): error is JoyvasaError {
    return hasMarker(error, baseMarker);
  }
}

/** Defines a subclass with its own cross-copy marker and `isInstance`. */
function markerFor(name: string): symbol {
  return Symbol.for(`joyvasa.error.${name}`);
}

const invalidInputMarker = markerFor('InvalidInputError');
/** The caller passed something the SDK cannot use: corrupt or empty media, NaN, absurd sizes, bad options. */
export class InvalidInputError extends JoyvasaError {
  readonly [invalidInputMarker] = true;
  /** Which argument or input was wrong, e.g. `audio` or `options.cfgScale`. */
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid ${input}: ${message}`, options);
    this.name = 'InvalidInputError';
    this.input = input;
  }
  static override isInstance(error: unknown): error is InvalidInputError {
    return hasMarker(error, invalidInputMarker);
  }
}

const noFaceMarker = markerFor('NoFaceFoundError');
/** No face (or animal face) was found in the source image. */
export class NoFaceFoundError extends JoyvasaError {
  readonly [noFaceMarker] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoFaceFoundError';
  }
  static override isInstance(error: unknown): error is NoFaceFoundError {
    return hasMarker(error, noFaceMarker);
  }
}

const modelLoadMarker = markerFor('ModelLoadError');
/** A model file could not be read, fetched or parsed. */
export class ModelLoadError extends JoyvasaError {
  readonly [modelLoadMarker] = true;
  /** The file, URL or component that failed. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`Cannot load ${source}: ${message}`, options);
    this.name = 'ModelLoadError';
    this.source = source;
  }
  static override isInstance(error: unknown): error is ModelLoadError {
    return hasMarker(error, modelLoadMarker);
  }
}

const integrityMarker = markerFor('IntegrityError');
/** A file's content does not match the sha256 its manifest records. */
export class IntegrityError extends JoyvasaError {
  readonly [integrityMarker] = true;
  readonly file: string;
  readonly expected: string;
  readonly actual: string;
  /** `hint` replaces the closing advice, which by default is about a cached bundle file. */
  constructor(file: string, expected: string, actual: string, options: { hint?: string } = {}) {
    super(
      `${file} is corrupt or was replaced: its hash ${actual} does not match the expected ${expected}. ` +
        (options.hint ?? 'Delete the cached copy and fetch or convert it again.'),
    );
    this.name = 'IntegrityError';
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
  static override isInstance(error: unknown): error is IntegrityError {
    return hasMarker(error, integrityMarker);
  }
}

const manifestMarker = markerFor('ManifestError');
/** A model manifest is malformed, or a model does not match what its manifest declares. */
export class ManifestError extends JoyvasaError {
  readonly [manifestMarker] = true;
  /** JSON path of the offending field, e.g. `components.denoiser.inputs.x_t`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`Model manifest, ${path || '(root)'}: ${message}`);
    this.name = 'ManifestError';
    this.path = path;
  }
  static override isInstance(error: unknown): error is ManifestError {
    return hasMarker(error, manifestMarker);
  }
}

const unsupportedDeviceMarker = markerFor('UnsupportedDeviceError');
/** An explicitly requested device is not available in this runtime. */
export class UnsupportedDeviceError extends JoyvasaError {
  readonly [unsupportedDeviceMarker] = true;
  readonly requested: string;
  readonly supported: readonly string[];
  constructor(requested: string, supported: readonly string[], hint = '') {
    super(
      `Device '${requested}' is not available here; available: ${supported.join(', ') || 'none'}.` +
        (hint ? ` ${hint}` : ' Pass one of those, or "auto".'),
    );
    this.name = 'UnsupportedDeviceError';
    this.requested = requested;
    this.supported = supported;
  }
  static override isInstance(error: unknown): error is UnsupportedDeviceError {
    return hasMarker(error, unsupportedDeviceMarker);
  }
}

const sessionRunMarker = markerFor('SessionRunError');
/** A model failed while running (wrong feeds, out of memory, a runtime kernel error). */
export class SessionRunError extends JoyvasaError {
  readonly [sessionRunMarker] = true;
  readonly component: string;
  constructor(component: string, message: string, options?: { cause?: unknown }) {
    super(`Running ${component} failed: ${message}`, options);
    this.name = 'SessionRunError';
    this.component = component;
  }
  static override isInstance(error: unknown): error is SessionRunError {
    return hasMarker(error, sessionRunMarker);
  }
}

const dependencyMarker = markerFor('MissingDependencyError');
/** An external program or optional package the requested work needs (ffmpeg, sharp) is missing. */
export class MissingDependencyError extends JoyvasaError {
  readonly [dependencyMarker] = true;
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(`${dependency} is required: ${message}`, options);
    this.name = 'MissingDependencyError';
    this.dependency = dependency;
  }
  static override isInstance(error: unknown): error is MissingDependencyError {
    return hasMarker(error, dependencyMarker);
  }
}

/** Throws the signal's reason (an `AbortError` DOMException by default) if it has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
  }
}

/** True for the error an aborted signal produces. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
