import { durationWords } from '../core/duration.js';
import { type PruneOutcome } from '../core/storeReport.js';
import { storeProblemsLines } from './storeProblemsText.js';
import { countOf, minuteText, textTable } from './textTable.js';
import { formatBytes } from './units.js';

/** Removed results listed one a line; past this the JSON report lists them. */
const resultsShown = 50;

/** What the face knows of a prune that its outcome does not say. */
export interface PruneTextContext {
  /** True when no rule was given, which makes the prune a dry run. */
  noRule: boolean;
}

/** `stoat prune` for a terminal: what goes (or would), what stays and why, and any problems. */
export function pruneLines(outcome: PruneOutcome, context: PruneTextContext): string[] {
  const lines: string[] = [];
  if (outcome.note !== undefined) lines.push(outcome.note);
  else if (outcome.dry_run) {
    lines.push(
      context.noRule
        ? 'dry run, nothing changed: no rule was given (--keep-last N or --older-than DURATION removes results; --unused-only deletes only the objects no result uses)'
        : 'dry run, nothing changed',
    );
  }
  lines.push(...removalLines(outcome));
  lines.push(...objectLines(outcome));
  if (outcome.lost.length > 0) {
    lines.push(`${countOf(outcome.lost.length, 'result')} saved while this prune ran ${outcome.lost.length === 1 ? 'points' : 'point'} at objects it deleted; the next run of their step saves them again:`);
    lines.push(...outcome.lost.map((entry) => `  ${entry.manifest} uses ${entry.object}`));
  }
  const problems = storeProblemsLines(outcome.problems);
  if (problems.length > 0) lines.push('', ...problems);
  return lines;
}

function removalLines(outcome: PruneOutcome): string[] {
  const verb = outcome.dry_run ? 'would remove' : 'removed';
  const grace = durationWords(outcome.grace_ms);
  const held = outcome.held_by_grace > 0 ? `; ${countOf(outcome.held_by_grace, 'result')} the rules chose ${outcome.held_by_grace === 1 ? 'was' : 'were'} saved within ${grace} and ${outcome.held_by_grace === 1 ? 'stays' : 'stay'} this time` : '';
  const lines = [`${verb} ${countOf(outcome.removed.length, 'result')}, kept ${countOf(outcome.kept, 'result')}${held}`];
  if (outcome.removed.length === 0) return lines;
  const rows = outcome.removed.slice(0, resultsShown).map((result) => [result.output, result.scope, minuteText(result.created), result.key.slice(0, 12), result.reason]);
  lines.push(...textTable([['output', 'scope', 'created', 'key', 'why'], ...rows]));
  if (outcome.removed.length > resultsShown) lines.push(`  … and ${outcome.removed.length - resultsShown} more (--json lists them all)`);
  return lines;
}

function objectLines(outcome: PruneOutcome): string[] {
  const would = outcome.dry_run;
  const grace = durationWords(outcome.grace_ms);
  const lines = [`${would ? 'would delete' : 'deleted'} ${countOf(outcome.deleted.objects, 'object')} (${formatBytes(outcome.deleted.bytes)}) that no result uses`];
  if (outcome.freed.deletable_after !== null) {
    lines.push(
      `${would ? 'would leave' : 'left'} ${countOf(outcome.freed.objects, 'object')} (${formatBytes(outcome.freed.bytes)}) that only the removed results used: ` +
        `a save that started from one of them may still use them, so they stay for the grace period of ${grace}; a prune after ${minuteText(outcome.freed.deletable_after)} deletes them ` +
        '(--grace 0s deletes them at once, when no save is running)',
    );
  }
  if (outcome.waiting.objects > 0) {
    lines.push(`${countOf(outcome.waiting.objects, 'other unused object')} (${formatBytes(outcome.waiting.bytes)}) ${outcome.waiting.objects === 1 ? 'stays' : 'stay'} this time: written within ${grace} (a save may be under way), or held by an earlier prune's record`);
  }
  return lines;
}
