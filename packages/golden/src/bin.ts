#!/usr/bin/env -S tsx --conditions=@joyvasa/source
// `pnpm golden <golden folder> [--only <module substring> ...]`: the harness's own command, run from source in
// a checkout (the package is private and never built or published).
import { goldenCommand } from './golden-command.js';

try {
  process.exitCode = await goldenCommand(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
