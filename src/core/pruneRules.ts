import { durationText } from './duration.js';
import { UsageError } from './errors.js';
import { subScopeSeparator, trustedScope } from './scope.js';

/** One saved result as the rules see it: a usable manifest of one output. */
export interface DatedResult {
  output: string;
  scope: string;
  /** Milliseconds since the epoch: the save's own `provenance.created`. */
  created: number;
  /** Milliseconds since the epoch: when the remote says the manifest was written. */
  modified: number;
}

/** Which results `stoat prune` removes. With no rule at all it removes none. */
export interface PruneRules {
  /** Per output and scope, the newest this many stay. */
  keepLast?: number;
  /** Results created longer ago than this go. */
  olderThanMs?: number;
  /** The scopes named (each with its sub-scopes); none named means every scope but `trusted`. */
  scopes: readonly string[];
  /** The outputs named; none named means every output. */
  outputs: readonly string[];
  /** Nothing written more recently than this is removed: a save may still be under way. */
  graceMs: number;
}

export interface Removal<T> {
  result: T;
  reason: string;
}

export interface Selection<T> {
  remove: Removal<T>[];
  /** Results the rules chose but that were written within the grace period: they stay this time. */
  heldByGrace: T[];
  /** Results outside the scopes and outputs the rules apply to. */
  untouched: number;
}

export function hasRule(rules: PruneRules): boolean {
  return rules.keepLast !== undefined || rules.olderThanMs !== undefined;
}

/**
 * A scope named on the command line covers itself and its sub-scopes (`pr-7` covers `pr-7@gpu`):
 * a sub-scope lies inside its event's scope. No name at all covers every scope but `trusted`
 * and its sub-scopes, which are kept unless named explicitly.
 */
export function scopeCovered(scope: string, named: readonly string[]): boolean {
  const covers = (name: string): boolean => scope === name || scope.startsWith(`${name}${subScopeSeparator}`);
  if (named.length === 0) return !covers(trustedScope);
  return named.some(covers);
}

/**
 * Which results go. Per output and scope, results are ranked newest first by the time the save
 * recorded (then by when the remote wrote the manifest). A result goes when every rule given lets
 * it go: beyond the newest `keepLast`, and created longer ago than `olderThanMs`. So both rules
 * together keep the newest N of each output and scope however old, and anything younger than the
 * duration. A manifest written within the grace period stays whatever the rules say.
 */
export function selectRemovals<T extends DatedResult>(results: readonly T[], rules: PruneRules, now: number): Selection<T> {
  const selection: Selection<T> = { remove: [], heldByGrace: [], untouched: 0 };
  if (!hasRule(rules)) return selection;
  const groups = new Map<string, T[]>();
  for (const result of results) {
    if (!scopeCovered(result.scope, rules.scopes) || (rules.outputs.length > 0 && !rules.outputs.includes(result.output))) {
      selection.untouched++;
      continue;
    }
    const group = JSON.stringify([result.output, result.scope]);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(result);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => b.created - a.created || b.modified - a.modified);
    group.forEach((result, rank) => {
      const reason = removalReason(rank, result, rules, now);
      if (reason === undefined) return;
      if (now - result.modified < rules.graceMs) selection.heldByGrace.push(result);
      else selection.remove.push({ result, reason });
    });
  }
  return selection;
}

function removalReason(rank: number, result: DatedResult, rules: PruneRules, now: number): string | undefined {
  const reasons: string[] = [];
  if (rules.keepLast !== undefined) {
    if (rank < rules.keepLast) return undefined;
    reasons.push(`not among the newest ${rules.keepLast}`);
  }
  if (rules.olderThanMs !== undefined) {
    if (now - result.created <= rules.olderThanMs) return undefined;
    reasons.push(`older than ${durationText(rules.olderThanMs)}`);
  }
  return reasons.join(', ');
}

/**
 * Refuses scopes and outputs that hold no result in the store: a name mistyped in a prune would
 * otherwise quietly remove nothing, or, left to cover everything, more than was meant.
 */
export function checkNamesPresent(rules: PruneRules, results: readonly DatedResult[], remote: string): void {
  const scopes = [...new Set(results.map((result) => result.scope))].sort();
  const outputs = [...new Set(results.map((result) => result.output))].sort();
  for (const scope of rules.scopes) {
    if (!scopes.some((present) => scopeCovered(present, [scope]))) {
      throw new UsageError(`--scope "${scope}" holds no result in ${remote}: ${present('scopes', scopes)}`);
    }
  }
  for (const output of rules.outputs) {
    if (!outputs.includes(output)) throw new UsageError(`--output "${output}" has no result in ${remote}: ${present('outputs', outputs)}`);
  }
}

function present(what: string, names: readonly string[]): string {
  if (names.length === 0) return 'it holds no results at all';
  const shown = names.slice(0, 12).map((name) => JSON.stringify(name));
  return `the ${what} there are ${shown.join(', ')}${names.length > shown.length ? ` and ${names.length - shown.length} more (stoat du lists them all)` : ''}`;
}
