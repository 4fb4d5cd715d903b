import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFixtureModels } from '@joyvasa/example-kit';

export { testPortraitPng } from '@joyvasa/example-kit/testing';

/** The fixture bundle in `directory`, written unless it is there: runs end to end without real weights. */
export async function writeFixtureModelsOnce(directory: string): Promise<string> {
  if (!existsSync(join(directory, 'manifest.json'))) await writeFixtureModels(directory);
  return directory;
}
