import { lineExcerpt } from '../core/lineExcerpt.js';
import { countsText, type MissExplanation, type NearestResult } from '../core/missExplanation.js';
import { type InputReport } from '../core/stepReport.js';
import { formatAge, shortHash } from './units.js';

/** Lines of detail under the one-line reason: a few, so a terminal shows the whole of it. */
const detailLines = 6;
const namesShown = 5;

/**
 * The explanation of a miss as plain lines for a terminal or a log: the one-line reason, then the
 * details a reviewer would look up (the changed words of a line, short hashes of a changed file),
 * then the earlier result it was compared with. The face makes each line printable.
 */
export function explanationLines(explanation: MissExplanation, nowMs: number): string[] {
  const lines = [`why: ${explanation.reason}`];
  if (explanation.kind === 'changed') lines.push(...detailsOf(explanation).slice(0, detailLines).map((line) => `  ${line}`));
  if (explanation.nearest !== null) lines.push(`  compared with the result saved ${originText(explanation.nearest, nowMs)}`);
  return lines;
}

function detailsOf(explanation: MissExplanation): string[] {
  const details: string[] = [];
  for (const change of explanation.command) {
    if (change.before === undefined || change.after === undefined) continue;
    const excerpt = lineExcerpt(change.before, change.after);
    details.push(`command line ${change.line}: ${excerpt.before} → ${excerpt.after}`);
  }
  const { deps } = explanation;
  for (const change of deps.changed.slice(0, namesShown)) details.push(`dep ${change.path}: ${shortHash(change.before)} → ${shortHash(change.after)}`);
  const total = deps.counts.changed + deps.counts.added + deps.counts.removed;
  if (total > Math.min(namesShown, deps.counts.changed)) {
    const directories = deps.directories.slice(0, 3).map((group) => `${group.directory === '' ? '(top level)' : group.directory}: ${countsText(group)}`);
    details.push(`deps: ${countsText(deps.counts)}${directories.length > 0 ? ` (${directories.join('; ')})` : ''}`);
  }
  return details;
}

/** "3 h ago (commit 0123456, scope trusted)". */
export function originText(origin: Pick<NearestResult, 'created' | 'commit' | 'scope'>, nowMs: number): string {
  const commit = origin.commit === null ? '' : `commit ${origin.commit.slice(0, 7)}, `;
  return `${formatAge(Date.parse(origin.created), nowMs)} (${commit}scope ${origin.scope})`;
}

/** Inputs shown by name in a warning before the rest are counted. */
const changedNamesShown = 10;

/**
 * The warning a reviewer gets when inputs changed since the nearest earlier result used them
 * (Valohai's "input changed since last use"): not necessarily wrong, but worth a look. Undefined
 * when none did.
 */
export function changedInputsWarning(inputs: readonly InputReport[]): string | undefined {
  const changed = inputs.filter((input) => input.since_last_use === 'changed');
  if (changed.length === 0) return undefined;
  const names = changed.slice(0, changedNamesShown).map((input) => input.path).join(', ');
  const more = changed.length > changedNamesShown ? ` and ${changed.length - changedNamesShown} more` : '';
  const count = changed.length === 1 ? '1 input has' : `${changed.length} inputs have`;
  return `${count} changed since the last saved result used them: ${names}${more} (the input-hash report lists them first)`;
}
