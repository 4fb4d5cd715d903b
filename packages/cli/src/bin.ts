#!/usr/bin/env node
import { failureExit } from './cli-args.js';
import { processOutput } from './cli-output.js';
import { animateCommand, animateUsage } from './commands/animate-command.js';
import { convertCommand, convertUsage } from './commands/convert-command.js';
import { demoCommand, demoUsage } from './commands/demo-command.js';
import { fetchCommand, fetchUsage } from './commands/fetch-command.js';
import { fixtureCommand, fixtureUsage } from './commands/fixture-command.js';
import { serveCommand, serveUsage } from './commands/serve-command.js';
import { workerCommand, workerUsage } from './commands/worker-command.js';

const commands: Record<string, { run: (args: readonly string[]) => Promise<number>; usage: string }> = {
  animate: { run: animateCommand, usage: animateUsage },
  fetch: { run: fetchCommand, usage: fetchUsage },
  convert: { run: convertCommand, usage: convertUsage },
  demo: { run: demoCommand, usage: demoUsage },
  fixture: { run: fixtureCommand, usage: fixtureUsage },
  serve: { run: serveCommand, usage: serveUsage },
  worker: { run: workerCommand, usage: workerUsage },
};

function usage(): string {
  return `joyvasa <command> [options]\n\nCommands:\n${Object.values(commands)
    .map((command) => `  ${command.usage.split('\n')[0]}`)
    .join('\n')}\n\nRun 'joyvasa <command> --help' for details.`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    if (name === undefined || name === '--help' || name === '-h') {
      console.log(usage());
      return 0;
    }
    console.error(`error: unknown command '${name}'\nRun 'joyvasa --help' for the commands.`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return failureExit(processOutput(), error, 'stopped');
  }
}

process.exitCode = await main(process.argv.slice(2));
