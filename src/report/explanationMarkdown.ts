import { lineExcerpt } from '../core/lineExcerpt.js';
import { countsText, type MissExplanation } from '../core/missExplanation.js';
import { code, escapeText, formatCount } from './markdownText.js';
import { originMarkdown } from './resultOrigin.js';
import { shortHash } from './units.js';

/** Lines and files named one by one; past these the rest are counted (directories summed). */
const linesShown = 5;
const depsNamed = 10;
const directoriesShown = 10;
const itemBytes = 1024;

/**
 * The explanation of a miss as a short Markdown list, built from its structured fields (never from
 * its one-line reason) so that every path, line and name is shown as inert code.
 */
export function explanationItems(explanation: MissExplanation, nowMs: number): string[] {
  const items = explanation.kind === 'changed' ? differenceItems(explanation) : [`- ${escapeText(explanation.reason, itemBytes)}`];
  if (explanation.nearest !== null) items.push(`- compared with the nearest earlier result: ${originMarkdown(explanation.nearest, nowMs)}`);
  return items;
}

function differenceItems(explanation: MissExplanation): string[] {
  const items: string[] = [];
  for (const change of explanation.command.slice(0, linesShown)) {
    if (change.before !== undefined && change.after !== undefined) {
      const excerpt = lineExcerpt(change.before, change.after);
      items.push(`- command line ${change.line}: ${code(excerpt.before, itemBytes)} → ${code(excerpt.after, itemBytes)}`);
    } else {
      items.push(`- command line ${change.line} ${change.after === undefined ? 'removed' : 'added'}: ${code(change.after ?? change.before ?? '', itemBytes)}`);
    }
  }
  if (explanation.command.length > linesShown) items.push(`- … and ${formatCount(explanation.command.length - linesShown)} more changed lines of the command`);
  items.push(...depItems(explanation.deps));
  const { env } = explanation;
  for (const [names, what] of [[env.changed, 'changed value'], [env.added, 'added'], [env.removed, 'removed']] as const) {
    if (names.length > 0) items.push(`- env ${names.map((name) => code(name, 256)).join(', ')} ${what}`);
  }
  if (env.unrecorded.length > 0) items.push(`- env ${env.unrecorded.map((name) => code(name, 256)).join(', ')}: the earlier result did not record the value, so a change cannot be told`);
  if (explanation.key_extra) items.push('- `key-extra` changed');
  const outputs = [...explanation.outputs.added.map((path) => `${code(path, 256)} added`), ...explanation.outputs.removed.map((path) => `${code(path, 256)} removed`)];
  if (outputs.length > 0) items.push(`- declared outputs: ${outputs.join(', ')}`);
  if (explanation.nothing_saved.length > 0) items.push(`- nothing saved for ${explanation.nothing_saved.map((path) => code(path, 256)).join(', ')} yet`);
  return items;
}

/** Each changed file with its short old and new sha256, or, when there are many, the sums by directory. */
function depItems(deps: MissExplanation['deps']): string[] {
  const { counts } = deps;
  const total = counts.added + counts.removed + counts.changed;
  if (total === 0) return [];
  if (total <= depsNamed && deps.changed.length + deps.added.length + deps.removed.length === total) {
    return [
      ...deps.changed.map((change) => `- dep ${code(change.path, itemBytes)} changed: \`${shortHash(change.before)}\` → \`${shortHash(change.after)}\``),
      ...deps.added.map((path) => `- dep ${code(path, itemBytes)} added`),
      ...deps.removed.map((path) => `- dep ${code(path, itemBytes)} removed`),
    ];
  }
  const lines = [`- deps: ${countsText(counts, formatCount)}`];
  for (const directory of deps.directories.slice(0, directoriesShown)) {
    const name = directory.directory === '' ? '*(working directory)*' : code(directory.directory, itemBytes);
    lines.push(`  - ${name}: ${countsText(directory, formatCount)}`);
  }
  if (deps.directories.length > directoriesShown) lines.push(`  - … and ${formatCount(deps.directories.length - directoriesShown)} more directories`);
  return lines;
}
