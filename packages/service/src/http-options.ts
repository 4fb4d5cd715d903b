import { InvalidInputError } from '@joyvasa/core';
import { type AnimateOptions, resolveAnimateOptions } from '@joyvasa/pipeline';

type JsonType = 'number' | 'integer' | 'boolean' | 'string';

/**
 * The `generate()` options a request may send in its `options` field, with their JSON types. Options that
 * only make sense in-process (signal, noise, sinks, live-stream timing) are left out; each option's range
 * is checked by the SDK's own rule (`resolveAnimateOptions`), not here.
 */
const httpOptionTypes = {
  seed: { type: 'integer' },
  cfgScale: { type: 'number' },
  ddimSteps: { type: 'integer', description: 'sample in this many DDIM steps instead of DDPM (faster)' },
  animal: { type: 'boolean', description: 'animate an animal face (mode animal)' },
  smoothing: { type: 'boolean' },
  positionalEncoding: { type: 'string', enum: ['legacy', 'fixed'] },
  crop: { type: 'boolean' },
  cropScale: { type: 'number' },
  cropOffsetY: { type: 'number' },
  cropRotation: { type: 'boolean' },
  detectionThreshold: { type: 'number' },
  sourceMaxDim: { type: 'integer' },
  sourceDivision: { type: 'integer' },
  faceBox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
  stitching: { type: 'boolean' },
  pasteBack: { type: 'boolean' },
  relativeMotion: { type: 'boolean' },
  drivingOption: { type: 'string', enum: ['expression-friendly', 'pose-friendly'] },
  normalizeLip: { type: 'boolean' },
  drivingMultiplier: { type: 'number' },
  region: { type: 'string', enum: ['all', 'exp', 'pose', 'lip', 'eyes'] },
  renderBatch: { type: 'integer' },
} as const satisfies Record<string, { type: JsonType | 'array'; readonly [field: string]: unknown }>;

/** JSON Schema of the `options` field (for the OpenAPI document). */
export const httpOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: httpOptionTypes,
} as const;

/** What a checked `options` field gives: the `generate()` options and whether the face is an animal's. */
export interface HttpRenderOptions {
  readonly options: AnimateOptions;
  readonly animal: boolean;
}

function typeProblem(value: unknown, spec: { type: string; enum?: readonly string[] }): string | undefined {
  if (spec.type === 'array') {
    return Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'number')
      ? undefined
      : 'four numbers';
  }
  if (spec.type === 'integer') return Number.isInteger(value) ? undefined : 'a whole number';
  if (spec.enum) return spec.enum.includes(value as string) ? undefined : spec.enum.join(' or ');
  return typeof value === spec.type ? undefined : `a ${spec.type}`;
}

/**
 * Parses and checks the `options` field (JSON text, or absent): unknown keys and wrong types are refused
 * here, ranges by the SDK's rules.
 *
 * @throws InvalidInputError naming the option, as the SDK names it.
 */
export function parseHttpOptions(text: string | undefined): HttpRenderOptions {
  if (text === undefined || text.trim() === '') return { options: {}, animal: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInputError('options', `not JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInputError('options', 'must be a JSON object');
  }
  const fields = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    const spec = (httpOptionTypes as Record<string, { type: string; enum?: readonly string[] }>)[key];
    if (!spec) {
      throw new InvalidInputError(
        `options.${key}`,
        `unknown option; known: ${Object.keys(httpOptionTypes).join(', ')}`,
      );
    }
    const problem = typeProblem(value, spec);
    if (problem)
      throw new InvalidInputError(`options.${key}`, `must be ${problem}, not ${JSON.stringify(value)}`);
  }
  const { ddimSteps, animal, ...rest } = fields;
  const options = {
    ...rest,
    ...(ddimSteps !== undefined ? { sampler: { ddim: ddimSteps as number } } : {}),
  } as AnimateOptions;
  resolveAnimateOptions(options);
  return { options, animal: animal === true };
}
