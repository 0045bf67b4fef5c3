import { errorMessage, UsageError } from '../core/errors.js';
import { closeHashPool } from '../core/hashPool.js';
import { CacheFailure } from '../engine/cacheFailure.js';
import { renderText } from '../report/terminalSummary.js';
import { type CommandOutcome } from './commandOutcome.js';
import { execCommand, restoreCommand, saveCommand } from './execCommand.js';
import { helpTexts } from './helpText.js';
import { hashCommand, verifyCommand } from './inspectCommands.js';
import packageJson from '../../package.json' with { type: 'json' };

const commands: Record<string, (args: string[]) => Promise<CommandOutcome>> = {
  exec: execCommand,
  restore: restoreCommand,
  save: saveCommand,
  hash: hashCommand,
  verify: verifyCommand,
};

/** Exit codes: 0 done, 1 a difference or a remote failure under --fail-on-cache-error, 2 bad usage; exec passes on a failing command's code. */
export async function runCli(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${helpTexts.stoat}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`stoat: unknown command "${name}": use exec, restore, save, hash or verify (see stoat --help)\n`);
    return 2;
  }
  try {
    return await runCommand(name, command, rest);
  } finally {
    // The hashing threads would otherwise linger until idle; a command is done when it returns.
    await closeHashPool();
  }
}

async function runCommand(name: string, command: (args: string[]) => Promise<CommandOutcome>, rest: string[]): Promise<number> {
  try {
    return print(await command(rest));
  } catch (error) {
    process.stderr.write(`stoat ${name}: ${errorMessage(error)}\n`);
    if (error instanceof UsageError) return 2;
    if (!(error instanceof CacheFailure) && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function print(outcome: CommandOutcome): number {
  if ('help' in outcome) {
    process.stdout.write(`${helpTexts[outcome.help]}\n`);
    return 0;
  }
  if ('text' in outcome) {
    if (outcome.text !== '') process.stdout.write(`${outcome.text}\n`);
    return outcome.exitCode;
  }
  for (const warning of outcome.report.warnings) process.stderr.write(`stoat: warning: ${warning}\n`);
  process.stderr.write(`${renderText(outcome.report)}\n`);
  if (outcome.json) process.stdout.write(`${JSON.stringify(outcome.report, null, 2)}\n`);
  return outcome.exitCode;
}
