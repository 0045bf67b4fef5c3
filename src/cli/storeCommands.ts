import { posix } from 'node:path';
import { errorMessage, RemoteError, UsageError } from '../core/errors.js';
import { hasRule, type PruneRules } from '../core/pruneRules.js';
import { checkScopeName } from '../core/scope.js';
import { measureStore, pruneResults } from '../engine/storeMaintenance.js';
import { isUnlistedStoreReport } from '../core/unlistedStoreReport.js';
import { pruneLines } from '../report/pruneText.js';
import { storeUsageLines } from '../report/storeUsageText.js';
import { unlistedStoreLines } from '../report/unlistedStoreText.js';
import { type CommandOutcome } from './commandOutcome.js';
import { parseDuration } from '../core/duration.js';
import { parseOptions } from './parseOptions.js';
import { countOption, storeOptionSpecs, storeSettings } from './storeOptions.js';
import { jsonLines, writeLines } from './terminalOutput.js';

/* The store commands: du and prune, each a thin adapter from options to one engine call. */

const duOptionSpecs = {
  ...storeOptionSpecs,
  output: { type: 'string', multiple: true, default: [] as string[] },
} as const;

/** `stoat du [options]` */
export async function duCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseOptions(args, duOptionSpecs, 'du');
  if (values.help) return { help: 'du' };
  refuseArguments(positionals, 'du');
  const settings = { ...storeSettings(values, process.env), outputs: values.output.map(outputName) };
  return endedByRemote('du', async () => {
    const usage = await measureStore(settings);
    if (isUnlistedStoreReport(usage)) return { lines: values.json ? jsonLines(usage) : unlistedStoreLines(usage, 'du'), exitCode: 0 };
    return { lines: values.json ? jsonLines(usage) : storeUsageLines(usage), exitCode: 0 };
  });
}

const pruneOptionSpecs = {
  ...storeOptionSpecs,
  'keep-last': { type: 'string' },
  'older-than': { type: 'string' },
  scope: { type: 'string', multiple: true, default: [] as string[] },
  output: { type: 'string', multiple: true, default: [] as string[] },
  'unused-only': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
} as const;

/** `stoat prune [options]`: a dry run unless a rule (or --unused-only) is given. */
export async function pruneCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseOptions(args, pruneOptionSpecs, 'prune');
  if (values.help) return { help: 'prune' };
  refuseArguments(positionals, 'prune');
  const rules: Omit<PruneRules, 'graceMs'> = {
    keepLast: values['keep-last'] === undefined ? undefined : countOption('--keep-last', values['keep-last'], 1, 1_000_000),
    olderThanMs: values['older-than'] === undefined ? undefined : parseDuration(values['older-than'], '--older-than'),
    scopes: values.scope.map((scope) => {
      checkScopeName(scope);
      return scope;
    }),
    outputs: values.output.map(outputName),
  };
  const ruled = hasRule({ ...rules, graceMs: 0 });
  if (values['unused-only'] && ruled) throw new UsageError('--unused-only removes no result: give it alone, or give --keep-last and --older-than without it');
  const settings = storeSettings(values, process.env);
  return endedByRemote('prune', async () => {
    const outcome = await pruneResults({ ...settings, rules, dryRun: values['dry-run'] || !(ruled || values['unused-only']) });
    if (isUnlistedStoreReport(outcome)) return { lines: values.json ? jsonLines(outcome) : unlistedStoreLines(outcome, 'prune'), exitCode: 0 };
    const lines = values.json ? jsonLines(outcome) : pruneLines(outcome, { noRule: !ruled && !values['unused-only'] });
    // A result saved meanwhile that lost an object is a failure to see, even in a script.
    return { lines, exitCode: outcome.lost.length > 0 ? 1 : 0 };
  });
}

/** An output as saves name it: relative, `/`-separated, no `./` in front and no `/` behind. */
function outputName(text: string): string {
  const name = posix.normalize(text.trim()).replace(/\/+$/, '');
  if (name === '' || name === '.' || name.startsWith('../') || name === '..' || name.startsWith('/')) {
    throw new UsageError(`--output "${text}" is not an output path: give it as the step declares it, relative to its working directory (model/, metrics.json)`);
  }
  return name;
}

function refuseArguments(positionals: readonly string[], name: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}": stoat ${name} takes options only (see stoat ${name} --help)`);
}

/**
 * A remote that fails ends the command with its message and exit code 1. Nothing is half done
 * that matters: a prune deletes only what no manifest uses, and what it has not reached yet stays
 * for the next one.
 */
async function endedByRemote(name: string, run: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    writeLines(process.stderr, [`stoat ${name}: ${errorMessage(error)}`]);
    return { lines: [], exitCode: 1 };
  }
}
