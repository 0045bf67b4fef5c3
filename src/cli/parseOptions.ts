import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util's parseArgs with positionals allowed, its errors turned into usage errors that name
 * the option and, for a mistyped one, the real option it most likely meant.
 */
export function parseOptions<const T extends OptionSpecs>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(optionProblem(error as Error & { code?: string }, Object.keys(options), command));
  }
}

function optionProblem(error: Error & { code?: string }, names: readonly string[], command: string): string {
  const help = `stoat ${command} --help`;
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${error.message}: see ${help}`;
  // parseArgs' own message suggests moving the option after "--", which is rarely what was meant.
  const given = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  const meant = given.startsWith('--') ? closestOption(given.slice(2), names) : undefined;
  return meant === undefined ? `unknown option ${given}: see ${help} for the options` : `unknown option ${given}: did you mean --${meant}? (see ${help})`;
}

/** The option a typo most likely meant: the only one it starts, or one a keystroke or two away. */
export function closestOption(typed: string, names: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const started = names.filter((name) => lower.length >= 3 && name.startsWith(lower));
  if (started.length === 1) return started[0];
  const allowed = lower.length >= 5 ? 2 : 1;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(lower, name);
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Insertions, deletions, substitutions and swaps of two neighbours, each counting one. */
function editDistance(from: string, to: string): number {
  const rows = Array.from({ length: from.length + 1 }, (_, index) => [index, ...Array<number>(to.length).fill(0)]);
  for (let column = 1; column <= to.length; column++) rows[0]![column] = column;
  for (let row = 1; row <= from.length; row++) {
    for (let column = 1; column <= to.length; column++) {
      const cost = from[row - 1] === to[column - 1] ? 0 : 1;
      let distance = Math.min(rows[row - 1]![column]! + 1, rows[row]![column - 1]! + 1, rows[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1]) distance = Math.min(distance, rows[row - 2]![column - 2]! + 1);
      rows[row]![column] = distance;
    }
  }
  return rows[from.length]![to.length]!;
}
