import type { Device } from './device.js';
import { devices } from './device.js';
import { ManifestError } from './errors.js';
import { inputLimits } from './limits.js';
import type { DimPattern, DType } from './tensor.js';

/** The manifest format this version reads and writes. */
export const MANIFEST_VERSION = 1;

/** One file of a bundle, addressed by its path inside the bundle and checked by sha256. */
export interface ModelFile {
  readonly path: string;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
  readonly bytes: number;
}

/** Type and dimensions of one model input or output. Strings name free dimensions. */
export interface TensorSpec {
  readonly type: DType;
  readonly dims: readonly DimPattern[];
}

/** One ONNX model of a bundle. */
export interface ModelComponent {
  readonly file: ModelFile;
  readonly inputs: Readonly<Record<string, TensorSpec>>;
  readonly outputs: Readonly<Record<string, TensorSpec>>;
  /** Per-device replacements, e.g. a warping graph without 5-D GridSample for WebGPU. */
  readonly devices?: Readonly<Partial<Record<Device, { readonly file: ModelFile }>>>;
  /**
   * Equivalent forms of the component by name (same inputs, outputs and results to the precision's
   * rounding; e.g. the renderer with padded channels), which a loader may time on a GPU to open the
   * fastest (issue 21). `file` is the official form, {@link officialVariant}. A device with its own file in
   * `devices` uses that file alone.
   */
  readonly variants?: Readonly<Record<string, { readonly file: ModelFile }>>;
  /** `fp16`: the component stores and computes in float16 (`joyvasa convert --dtype fp16`). Default `fp32`. */
  readonly dtype?: ComponentDtype;
}

/** The precision a component computes in. */
export type ComponentDtype = 'fp32' | 'fp16';

/** The name of a component's own `file` among its {@link ModelComponent.variants}. */
export const officialVariant = 'official';

/**
 * Where a bundle's weights came from. `converted`: official checkpoints. `formula` and `fixture`: synthetic
 * weights for tests and benchmarks; their output is not a face animation.
 */
export type BundleProvenance = 'converted' | 'formula' | 'fixture';

/** A model bundle's `manifest.json`. */
export interface ModelManifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly name: string;
  readonly version: string;
  readonly provenance: BundleProvenance;
  readonly components: Readonly<Record<string, ModelComponent>>;
  /** Non-ONNX data the packages read (motion template, sampler configuration, small learned tensors). */
  readonly data: Readonly<Record<string, unknown>>;
}

const dtypeNames: readonly DType[] = ['float32', 'float16', 'int64', 'int32', 'uint8', 'bool'];

type Json = Record<string, unknown>;

function expectObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(path, 'must be an object');
  }
  return value as Json;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ManifestError(path, 'must be a non-empty string');
  return value;
}

function validateFile(value: unknown, path: string): ModelFile {
  const file = expectObject(value, path);
  const filePath = expectString(file.path, `${path}.path`);
  if (filePath.startsWith('/') || filePath.split('/').includes('..')) {
    throw new ManifestError(`${path}.path`, `'${filePath}' must be a relative path inside the bundle`);
  }
  const sha256 = expectString(file.sha256, `${path}.sha256`);
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new ManifestError(`${path}.sha256`, 'must be 64 lower-case hex digits');
  if (!Number.isSafeInteger(file.bytes) || (file.bytes as number) < 0) {
    throw new ManifestError(`${path}.bytes`, 'must be a whole number of bytes');
  }
  return { path: filePath, sha256, bytes: file.bytes as number };
}

function validateSpecs(value: unknown, path: string): Record<string, TensorSpec> {
  const specs = expectObject(value, path);
  const result: Record<string, TensorSpec> = {};
  for (const [name, raw] of Object.entries(specs)) {
    const spec = expectObject(raw, `${path}.${name}`);
    if (!dtypeNames.includes(spec.type as DType)) {
      throw new ManifestError(`${path}.${name}.type`, `must be one of ${dtypeNames.join(', ')}`);
    }
    if (!Array.isArray(spec.dims)) throw new ManifestError(`${path}.${name}.dims`, 'must be an array');
    spec.dims.forEach((dim, axis) => {
      const ok = dim === null || typeof dim === 'string' || (Number.isInteger(dim) && dim >= 0);
      if (!ok) throw new ManifestError(`${path}.${name}.dims[${axis}]`, 'must be a size, a name or null');
      if (typeof dim === 'number' && dim > inputLimits.manifestMaxDim) {
        throw new ManifestError(
          `${path}.${name}.dims[${axis}]`,
          `${dim} exceeds the largest dimension a bundle may declare (${inputLimits.manifestMaxDim}); the manifest is corrupt`,
        );
      }
    });
    result[name] = { type: spec.type as DType, dims: spec.dims as DimPattern[] };
  }
  return result;
}

function validateComponent(value: unknown, path: string): ModelComponent {
  const component = expectObject(value, path);
  const result: {
    file: ModelFile;
    inputs: Record<string, TensorSpec>;
    outputs: Record<string, TensorSpec>;
    devices?: Partial<Record<Device, { file: ModelFile }>>;
    variants?: Record<string, { file: ModelFile }>;
    dtype?: ComponentDtype;
  } = {
    file: validateFile(component.file, `${path}.file`),
    inputs: validateSpecs(component.inputs, `${path}.inputs`),
    outputs: validateSpecs(component.outputs, `${path}.outputs`),
  };
  if (component.devices !== undefined) {
    const overrides = expectObject(component.devices, `${path}.devices`);
    result.devices = {};
    for (const [device, override] of Object.entries(overrides)) {
      if (!devices.includes(device as Device)) {
        throw new ManifestError(
          `${path}.devices.${device}`,
          `unknown device; use one of ${devices.join(', ')}`,
        );
      }
      const entry = expectObject(override, `${path}.devices.${device}`);
      result.devices[device as Device] = { file: validateFile(entry.file, `${path}.devices.${device}.file`) };
    }
  }
  if (component.variants !== undefined) result.variants = validateVariants(component.variants, path);
  if (component.dtype !== undefined) {
    if (component.dtype !== 'fp32' && component.dtype !== 'fp16') {
      throw new ManifestError(`${path}.dtype`, "must be 'fp32' or 'fp16'");
    }
    result.dtype = component.dtype;
  }
  return result;
}

function validateVariants(value: unknown, path: string): Record<string, { file: ModelFile }> {
  const variants: Record<string, { file: ModelFile }> = {};
  for (const [name, entry] of Object.entries(expectObject(value, `${path}.variants`))) {
    if (name === officialVariant || !/^[A-Za-z0-9._+-]{1,64}$/.test(name)) {
      throw new ManifestError(
        `${path}.variants.${name}`,
        `a variant is named by 1 to 64 letters, digits, '.', '_', '+' or '-', other than '${officialVariant}' (the component's own file)`,
      );
    }
    const file = validateFile(
      expectObject(entry, `${path}.variants.${name}`).file,
      `${path}.variants.${name}.file`,
    );
    variants[name] = { file };
  }
  return variants;
}

/** Checks a parsed `manifest.json` and returns it typed; throws {@link ManifestError} with the field's path. */
export function validateManifest(value: unknown): ModelManifest {
  const manifest = expectObject(value, '');
  if (manifest.manifestVersion !== MANIFEST_VERSION) {
    throw new ManifestError(
      'manifestVersion',
      `is ${JSON.stringify(manifest.manifestVersion)}; this version of @joyvasa/core reads ${MANIFEST_VERSION}`,
    );
  }
  const provenance = manifest.provenance;
  if (provenance !== 'converted' && provenance !== 'formula' && provenance !== 'fixture') {
    throw new ManifestError('provenance', "must be 'converted', 'formula' or 'fixture'");
  }
  const components: Record<string, ModelComponent> = {};
  for (const [name, component] of Object.entries(expectObject(manifest.components, 'components'))) {
    components[name] = validateComponent(component, `components.${name}`);
  }
  return {
    manifestVersion: MANIFEST_VERSION,
    name: expectString(manifest.name, 'name'),
    version: expectString(manifest.version, 'version'),
    provenance,
    components,
    data: manifest.data === undefined ? {} : expectObject(manifest.data, 'data'),
  };
}

/**
 * The file to load for a component on a device: the device's override if there is one, else the named
 * variant (default {@link officialVariant}, the component's own file). `name` (the component's) goes into
 * the error's path.
 *
 * @throws ManifestError for a variant the component does not have on that device.
 */
export function componentFile(
  component: ModelComponent,
  device: Device,
  variant: string = officialVariant,
  name = '',
): ModelFile {
  const override = component.devices?.[device]?.file;
  if (variant === officialVariant) return override ?? component.file;
  const file = override ? undefined : component.variants?.[variant]?.file;
  if (!file) {
    throw new ManifestError(
      `components.${name}.variants.${variant}`,
      `no such form on ${device} (it has ${componentVariants(component, device).join(', ')})`,
    );
  }
  return file;
}

/**
 * The forms of a component a device can load, the official first: one where the device has a file of its
 * own in `devices`, else the official form and each of {@link ModelComponent.variants}.
 */
export function componentVariants(component: ModelComponent, device: Device): string[] {
  if (component.devices?.[device]) return [officialVariant];
  return [officialVariant, ...Object.keys(component.variants ?? {})];
}

/**
 * Checks that a session has exactly the inputs and outputs the manifest declares, so a wrong model fails
 * at load with a readable message rather than mid-run.
 */
export function checkSessionNames(
  componentName: string,
  component: ModelComponent,
  session: { readonly inputNames: readonly string[]; readonly outputNames: readonly string[] },
): void {
  const compare = (kind: 'inputs' | 'outputs', actual: readonly string[]) => {
    const expected = Object.keys(component[kind]);
    const missing = expected.filter((name) => !actual.includes(name));
    const extra = actual.filter((name) => !expected.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new ManifestError(
        `components.${componentName}.${kind}`,
        `the model has ${kind} [${actual.join(', ')}], the manifest declares [${expected.join(', ')}]` +
          ' (the file does not belong to this manifest; convert the bundle again)',
      );
    }
  };
  compare('inputs', session.inputNames);
  compare('outputs', session.outputNames);
}

/** Why a manifest spec and what the model declares disagree, or undefined when they are compatible. */
function specMismatch(declared: TensorSpec, actual: TensorSpec): string | undefined {
  if (declared.type !== actual.type) return `type ${actual.type}, the manifest declares ${declared.type}`;
  // An empty shape is how runtimes report "unknown"; a scalar has nothing to compare either.
  if (actual.dims.length === 0) return undefined;
  const shape = (dims: readonly DimPattern[]) => `[${dims.map((dim) => dim ?? '?').join(', ')}]`;
  if (declared.dims.length !== actual.dims.length) {
    return `dims ${shape(actual.dims)}, the manifest declares ${shape(declared.dims)}`;
  }
  const clash = declared.dims.some((dim, axis) => {
    const other = actual.dims[axis];
    return typeof dim === 'number' && typeof other === 'number' && other >= 0 && dim !== other;
  });
  return clash ? `dims ${shape(actual.dims)}, the manifest declares ${shape(declared.dims)}` : undefined;
}

/**
 * Checks the types and fixed dimensions a session reports (`inputSpecs`, `outputSpecs`) against the
 * manifest: ranks must agree, and so must every axis fixed on both sides. Sessions that do not report
 * specs pass; names are checked by {@link checkSessionNames}.
 */
export function checkSessionSpecs(
  componentName: string,
  component: ModelComponent,
  session: {
    readonly inputSpecs?: Readonly<Record<string, TensorSpec>>;
    readonly outputSpecs?: Readonly<Record<string, TensorSpec>>;
  },
): void {
  for (const kind of ['inputs', 'outputs'] as const) {
    const actual = kind === 'inputs' ? session.inputSpecs : session.outputSpecs;
    for (const [name, declared] of Object.entries(component[kind])) {
      const reported = actual?.[name];
      const problem = reported && specMismatch(declared, reported);
      if (problem) {
        throw new ManifestError(
          `components.${componentName}.${kind}.${name}`,
          `the model has ${problem} (the file does not belong to this manifest; convert the bundle again)`,
        );
      }
    }
  }
}
