function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/**
 * The cross-copy marker of the error class `name`: a registered symbol, so two copies of a package agree
 * on it. Every subclass of {@link JoyvasaError} declares one as `static override readonly marker`.
 */
export function errorMarker(name: string): symbol {
  return Symbol.for(`joyvasa.error.${name}`);
}

/** What `isInstance` needs of an error class: its marker, and the instance type it narrows to. */
interface MarkedErrorClass<T> {
  readonly marker: symbol;
  readonly prototype: T;
  readonly name: string;
}

/**
 * Base class of every error the SDK throws on purpose.
 *
 * Recognise errors with the static `isInstance` checks rather than `instanceof`: they also work when
 * two copies of a package end up in one install. Each subclass declares its own `marker`
 * ({@link errorMarker}); the constructor stamps the markers of the class and of all its ancestors, and
 * the one `isInstance` here, which every subclass inherits, checks the marker of the class it is called on.
 */
export class JoyvasaError extends Error {
  /** This class's cross-copy marker; every subclass declares its own. */
  static readonly marker: symbol = Symbol.for('joyvasa.error');

  /**
   * True when `error` is an instance of the class it is called on (`ModelLoadError.isInstance(e)`), from
   * any copy of the package that defines it. Works detached too (`.filter(ModelLoadError.isInstance)`).
   */
  declare static readonly isInstance: <T>(this: MarkedErrorClass<T>, error: unknown) => error is T;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JoyvasaError';
    const stamps = this as unknown as Record<symbol, boolean>;
    for (let type: unknown = new.target; typeof type === 'function' && type !== Error; ) {
      if (Object.hasOwn(type, 'marker')) stamps[(type as unknown as MarkedErrorClass<unknown>).marker] = true;
      type = Object.getPrototypeOf(type);
    }
  }

  static {
    // A getter rather than a method, so that a detached `SomeError.isInstance` still knows its class.
    Object.defineProperty(JoyvasaError, 'isInstance', {
      get(this: MarkedErrorClass<unknown>) {
        if (!Object.hasOwn(this, 'marker')) {
          // An inherited marker would make isInstance accept the parent class and its other subclasses.
          throw new TypeError(
            `${this.name} declares no static marker; add one with errorMarker('${this.name}')`,
          );
        }
        const { marker } = this;
        return (error: unknown) => hasMarker(error, marker);
      },
    });
  }
}

/** The caller passed something the SDK cannot use: corrupt or empty media, NaN, absurd sizes, bad options. */
export class InvalidInputError extends JoyvasaError {
  static override readonly marker = errorMarker('InvalidInputError');
  /** Which argument or input was wrong, e.g. `audio` or `options.cfgScale`. */
  readonly input: string;
  constructor(input: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid ${input}: ${message}`, options);
    this.name = 'InvalidInputError';
    this.input = input;
  }
}

/** No face (or animal face) was found in the source image. */
export class NoFaceFoundError extends JoyvasaError {
  static override readonly marker = errorMarker('NoFaceFoundError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoFaceFoundError';
  }
}

/** A model file could not be read, fetched or parsed. */
export class ModelLoadError extends JoyvasaError {
  static override readonly marker = errorMarker('ModelLoadError');
  /** The file, URL or component that failed. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`Cannot load ${source}: ${message}`, options);
    this.name = 'ModelLoadError';
    this.source = source;
  }
}

/** A file's content does not match the sha256 its manifest records. */
export class IntegrityError extends JoyvasaError {
  static override readonly marker = errorMarker('IntegrityError');
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
}

/** A model manifest is malformed, or a model does not match what its manifest declares. */
export class ManifestError extends JoyvasaError {
  static override readonly marker = errorMarker('ManifestError');
  /** JSON path of the offending field, e.g. `components.denoiser.inputs.x_t`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`Model manifest, ${path || '(root)'}: ${message}`);
    this.name = 'ManifestError';
    this.path = path;
  }
}

/** An explicitly requested device is not available in this runtime. */
export class UnsupportedDeviceError extends JoyvasaError {
  static override readonly marker = errorMarker('UnsupportedDeviceError');
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
}

/** A model failed while running (wrong feeds, out of memory, a runtime kernel error). */
export class SessionRunError extends JoyvasaError {
  static override readonly marker = errorMarker('SessionRunError');
  readonly component: string;
  constructor(component: string, message: string, options?: { cause?: unknown }) {
    super(`Running ${component} failed: ${message}`, options);
    this.name = 'SessionRunError';
    this.component = component;
  }
}

/** An external program or optional package the requested work needs (ffmpeg, sharp) is missing. */
export class MissingDependencyError extends JoyvasaError {
  static override readonly marker = errorMarker('MissingDependencyError');
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: { cause?: unknown }) {
    super(`${dependency} is required: ${message}`, options);
    this.name = 'MissingDependencyError';
    this.dependency = dependency;
  }
}

/**
 * Something was used after its `dispose()` (a talking head, a loaded model): create a new one instead.
 */
export class DisposedError extends JoyvasaError {
  static override readonly marker = errorMarker('DisposedError');
  /** What was disposed, e.g. `talking head`. */
  readonly subject: string;
  constructor(subject: string, hint: string) {
    super(`This ${subject} has been disposed; ${hint}`);
    this.name = 'DisposedError';
    this.subject = subject;
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
