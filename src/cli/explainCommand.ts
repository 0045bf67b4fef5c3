import { explainStep } from '../engine/explainStep.js';
import { changedInputsWarning, explanationLines } from '../report/explanationText.js';
import { parseStepOptions, stepContext, stepDefinition } from './cliOptions.js';
import { type CommandOutcome } from './commandOutcome.js';
import { requiredCommand } from './stepCommands.js';
import { jsonLines } from './terminalOutput.js';

/** `stoat explain [options] --command STR`: would a restore hit, and if not, why; nothing is restored or run. */
export async function explainCommand(args: string[]): Promise<CommandOutcome> {
  const options = parseStepOptions(args, 'explain');
  if (options.values.help) return { help: 'explain' };
  const definition = stepDefinition(options, [requiredCommand(options, 'explain')]);
  const explained = await explainStep(definition, await stepContext(options, definition.workingDirectory, process.env));
  if (options.values.json) {
    const { key, status, reason, explanation, inputs } = explained;
    const changed = (mark: string): string[] => inputs.filter((input) => input.since_last_use === mark).map((input) => input.path);
    return { lines: jsonLines({ key, status, reason, explanation, inputs_changed: changed('changed'), inputs_new: changed('new') }), exitCode: 0 };
  }
  if (explained.status === 'hit') return { lines: [`stoat explain: a restore would hit: ${explained.reason}`, `  key ${explained.key}`], exitCode: 0 };
  const lines = [`stoat explain: a restore would miss: ${explained.reason}`];
  if (explained.explanation !== null) lines.push(...explanationLines(explained.explanation, Date.now()).map((line) => `  ${line}`));
  const changed = changedInputsWarning(explained.inputs);
  if (changed !== undefined) lines.push(`  ${changed}`);
  lines.push(`  key ${explained.key}`);
  return { lines, exitCode: 0 };
}
