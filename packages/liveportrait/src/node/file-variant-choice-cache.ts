import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDirectory } from '@joyvasa/core/node';
import type { VariantChoiceCache } from '../bundle/choose-fastest-variant.js';

/** The file, in the SDK's cache folder, that holds the chosen variants. */
export const variantChoicesFile = 'variant-choices.json';

async function readChoices(file: string): Promise<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, string>)
      : {};
  } catch (error) {
    // A missing or damaged file only means the variants are timed again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return {};
    throw error;
  }
}

/**
 * Chosen renderer variants remembered in `<directory>/variant-choices.json` (default: the SDK's cache
 * folder, `$XDG_CACHE_HOME/joyvasa` or `~/.cache/joyvasa`), so the timing runs once per device, driver,
 * runtime, precision and batch. Writes go to a temporary name first and are renamed.
 */
export function createFileVariantChoiceCache(directory = defaultCacheDirectory()): VariantChoiceCache {
  const file = join(directory, variantChoicesFile);
  return {
    async get(key) {
      const value = (await readChoices(file))[key];
      return typeof value === 'string' ? value : undefined;
    },
    async set(key, variant) {
      const choices = { ...(await readChoices(file)), [key]: variant };
      await mkdir(directory, { recursive: true });
      const temporary = `${file}.${process.pid}.partial`;
      await writeFile(temporary, `${JSON.stringify(choices, null, 2)}\n`);
      await rename(temporary, file);
    },
  };
}
