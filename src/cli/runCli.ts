import { CacheFailure, errorMessage, UsageError } from '../core/errors.js';
import { closeHashCache, closeHashPool } from '../hashing/index.js';
import { stackFrames } from '../core/stackFrames.js';
import { type CommandOutcome } from './commandOutcome.js';
import { execCommand, restoreCommand, saveCommand } from './stepCommands.js';
import { helpTexts } from './helpText.js';
import { hashCommand, verifyCommand } from './inspectCommands.js';
import { explainCommand } from './explainCommand.js';
import { logCommand } from './logCommand.js';
import { planCommand, pullCommand, pushCommand, runProjectCommand } from './pipelineCommands.js';
import { reportCommand } from './reportCommand.js';
import { duCommand, pruneCommand } from './storeCommands.js';
import { writeReportLines } from './reportLines.js';
import { jsonLines, writeLines } from './terminalOutput.js';
import packageJson from '../../package.json' with { type: 'json' };

const commands: Record<string, (args: string[]) => Promise<CommandOutcome>> = {
  exec: execCommand,
  restore: restoreCommand,
  save: saveCommand,
  hash: hashCommand,
  verify: verifyCommand,
  explain: explainCommand,
  log: logCommand,
  du: duCommand,
  prune: pruneCommand,
  run: runProjectCommand,
  plan: planCommand,
  push: pushCommand,
  pull: pullCommand,
  report: reportCommand,
};

/**
 * Exit codes: 0 done, 1 a difference or a remote failure under --fail-on-cache-error, 2 bad usage;
 * exec passes on a failing command's code. Everything is written through writeLines.
 */
export async function runCli(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLines(process.stdout, helpTexts.stoat!.split('\n'));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    writeLines(process.stdout, [packageJson.version]);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    writeLines(process.stderr, [`stoat: unknown command "${name}": use exec, restore, save, explain, log, du, prune, hash, verify, run, plan, push, pull or report (see stoat --help)`]);
    return 2;
  }
  return runCommand(name, command, rest);
}

/**
 * The one place a command's failure becomes its message and exit code, and where the hashing
 * threads are shut down: they would otherwise linger until idle, and a command is done when it returns.
 */
async function runCommand(name: string, command: (args: string[]) => Promise<CommandOutcome>, rest: string[]): Promise<number> {
  try {
    return print(await command(rest));
  } catch (error) {
    writeLines(process.stderr, [`stoat ${name}: ${errorMessage(error)}`]);
    if (error instanceof UsageError) return 2;
    if (!(error instanceof CacheFailure) && error instanceof Error) writeLines(process.stderr, stackFrames(error));
    return 1;
  } finally {
    await closeHashPool();
    // What the command learned about files is written down now, not left to the exit.
    closeHashCache();
  }
}

function print(outcome: CommandOutcome): number {
  if ('help' in outcome) {
    writeLines(process.stdout, helpTexts[outcome.help]!.split('\n'));
    return 0;
  }
  if ('lines' in outcome) {
    writeLines(process.stdout, outcome.lines);
    return outcome.exitCode;
  }
  writeLines(process.stderr, outcome.report.warnings.map((warning) => `stoat: warning: ${warning}`));
  writeReportLines(process.stderr, outcome.report);
  if (outcome.json) writeLines(process.stdout, jsonLines(outcome.report));
  return outcome.exitCode;
}
