import { UsageError } from '../core/errors.js';
import { scriptOfWords } from '../core/scriptOfWords.js';
import { type StepReport } from '../core/stepReport.js';
import { executeStep } from '../engine/executeStep.js';
import { restoreOnly } from '../engine/restoreOnly.js';
import { saveOnly } from '../engine/saveOnly.js';
import { parseStepOptions, savePolicy, stepContext, stepDefinition, type StepOptions } from './cliOptions.js';
import { type CommandOutcome } from './commandOutcome.js';

/* The step commands: exec, restore and save, each a thin adapter from options to one engine call. */

/** `stoat exec [options] -- CMD...` */
export async function execCommand(args: string[]): Promise<CommandOutcome> {
  const separator = args.indexOf('--');
  const options = parseStepOptions(separator === -1 ? args : args.slice(0, separator), 'exec');
  if (options.values.help) return { help: 'exec' };
  const words = separator === -1 ? [] : args.slice(separator + 1);
  if (words.length === 0) throw new UsageError('stoat exec needs the command after "--", as in: stoat exec --outputs out/ -- make out');
  if (options.positionals.length > 0) throw new UsageError(`unexpected argument "${options.positionals[0]}" before "--": put the command after "--"`);
  if (options.values.command !== undefined) throw new UsageError('stoat exec takes the command after "--", not --command');
  const definition = stepDefinition(options, scriptOfWords(words));
  const report = await executeStep(definition, await stepContext(options, definition.workingDirectory, process.env), savePolicy(options));
  return { report, json: options.values.json, exitCode: report.exit_code ?? 0 };
}

/** `stoat restore [options] --command STR` */
export async function restoreCommand(args: string[]): Promise<CommandOutcome> {
  const options = parseStepOptions(args, 'restore');
  if (options.values.help) return { help: 'restore' };
  const definition = stepDefinition(options, [requiredCommand(options, 'restore')]);
  const report = await restoreOnly(definition, await stepContext(options, definition.workingDirectory, process.env));
  return { report, json: options.values.json, exitCode: 0 };
}

/** `stoat save [options] --command STR` */
export async function saveCommand(args: string[]): Promise<CommandOutcome> {
  const options = parseStepOptions(args, 'save');
  if (options.values.help) return { help: 'save' };
  const definition = stepDefinition(options, [requiredCommand(options, 'save')]);
  const report: StepReport = await saveOnly(definition, await stepContext(options, definition.workingDirectory, process.env), { policy: savePolicy(options), runMs: null });
  return { report, json: options.values.json, exitCode: 0 };
}

export function requiredCommand(options: StepOptions, name: string): string {
  if (options.positionals.length > 0) throw new UsageError(`unexpected argument "${options.positionals[0]}": stoat ${name} takes the command as --command "STR"`);
  const command = options.values.command;
  if (command === undefined || command.trim() === '') {
    throw new UsageError(`stoat ${name} needs --command "STR": the command string that identifies the step (the same string for restore and save)`);
  }
  return command;
}
