import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { type LogEntry, outputLog } from '../engine/outputLog.js';
import { originText } from '../report/explanationText.js';
import { formatDuration, shortHash } from '../report/units.js';
import { stepContext, stepOptionSpecs } from './cliOptions.js';
import { type CommandOutcome } from './commandOutcome.js';
import { parseOptions } from './parseOptions.js';
import { jsonLines } from './terminalOutput.js';

const logOptionSpecs = {
  ...stepOptionSpecs,
  limit: { type: 'string', default: '20' },
  'all-scopes': { type: 'boolean', default: false },
} as const;

/** `stoat log --outputs P [--command STR]`: the saved results of an output, newest first, each with what differs from the one before. */
export async function logCommand(args: string[]): Promise<CommandOutcome> {
  const options = parseOptions(args, logOptionSpecs, 'log');
  const values = options.values;
  if (values.help) return { help: 'log' };
  if (options.positionals.length > 0) throw new UsageError(`unexpected argument "${options.positionals[0]}": stoat log takes the output as --outputs PATH`);
  if (values.outputs.length !== 1) throw new UsageError(`stoat log needs exactly one --outputs PATH (it was given ${values.outputs.length}): the output whose saved results to list`);
  const limit = Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit is "${values.limit}": use a whole number from 1 to 1000`);
  const workingDirectory = resolve(values['working-directory'] ?? '.');
  const context = await stepContext(options, workingDirectory, process.env);
  const command = values.command === undefined ? undefined : [values.command];
  const entries = await outputLog({ workingDirectory, output: values.outputs[0]!, command, allScopes: values['all-scopes'], limit }, context);
  if (values.json) return { lines: jsonLines(entries), exitCode: 0 };
  const scopes = values['all-scopes'] ? 'every scope' : `scopes ${context.scope.read.join(', ')}`;
  if (entries.length === 0) return { lines: [`stoat log: nothing saved for ${values.outputs[0]} in ${scopes} of ${context.remote.display}${command === undefined ? '' : ' by that command'}`], exitCode: 0 };
  const heading = `stoat log: ${entries.length} saved result${entries.length === 1 ? '' : 's'} of ${entries[0]!.output} in ${scopes}, newest first`;
  return { lines: [heading, ...entries.flatMap((entry) => entryLines(entry))], exitCode: 0 };
}

function entryLines(entry: LogEntry): string[] {
  const ran = entry.duration_ms === null ? '' : `, ran ${formatDuration(entry.duration_ms)}`;
  const lines = [`${entry.created}  saved ${originText(entry, Date.now())}${ran}`, `  tree ${shortHash(entry.tree)}  key ${shortHash(entry.key)}  ${entry.manifest}`];
  if (entry.difference !== null) lines.push(`  since the one before: ${entry.difference === '' ? 'nothing recorded differs' : entry.difference}`);
  return lines;
}
