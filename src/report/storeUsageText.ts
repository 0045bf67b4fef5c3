import { durationWords } from '../core/duration.js';
import { type Amount, type GroupUsage, type StoreUsage } from '../core/storeReport.js';
import { storeProblemsLines } from './storeProblemsText.js';
import { countOf, countText, minuteText, textTable } from './textTable.js';
import { formatBytes } from './units.js';

/** `stoat du` for a terminal: the totals, then a table by output and one by scope, then any problems. */
export function storeUsageLines(usage: StoreUsage): string[] {
  const lines = [
    `${usage.remote} holds ${countOf(usage.results, 'result')} of ${countOf(usage.outputs.length, 'output')} in ${countOf(usage.scopes.length, 'scope')}`,
    ...totalLines(usage),
  ];
  if (usage.outputs.length > 0) lines.push('', ...groupTable('output', 'scopes', usage.outputs));
  if (usage.scopes.length > 0) lines.push('', ...groupTable('scope', 'outputs', usage.scopes));
  const problems = storeProblemsLines(usage.problems);
  if (problems.length > 0) lines.push('', ...problems);
  return lines;
}

function totalLines(usage: StoreUsage): string[] {
  const of = (amount: Amount, noun: string): string => `${countOf(amount.objects, noun)} (${formatBytes(amount.bytes)})`;
  const saving = usage.used.bytes === 0 ? '' : `: shared objects hold it in ${formatBytes(usage.used.bytes)}${usage.restored_bytes > usage.used.bytes ? `, ${(usage.restored_bytes / usage.used.bytes).toFixed(1)}× less` : ''}`;
  const unused = usage.unused;
  const unusedDetail = [
    unused.recent.objects > 0 ? `${formatBytes(unused.recent.bytes)} written within ${durationWords(usage.grace_ms)} (a save may be under way)` : '',
    unused.held.objects > 0 ? `${formatBytes(unused.held.bytes)} held by a prune's record for its grace period` : '',
  ].filter(Boolean);
  return textTable(
    [
      ['stored', formatBytes(usage.total.bytes), `in ${countOf(usage.total.objects, 'object')}: ${of(usage.blobs, 'blob')}, ${of(usage.packs, 'pack')}, ${of(usage.manifests, 'manifest')}, ${countText(usage.bookkeeping.objects)} for bookkeeping`],
      ['restored', formatBytes(usage.restored_bytes), `if every result were restored${saving}`],
      ['shared', formatBytes(usage.shared.bytes), `in ${countOf(usage.shared.objects, 'object')} that more than one result uses`],
      ['unused', formatBytes(unused.bytes), `in ${countOf(unused.objects, 'object')} no result uses${unusedDetail.length > 0 ? `, ${unusedDetail.join('; ')}` : ''}`],
    ],
    new Set([1]),
  );
}

function groupTable(by: string, spread: string, groups: readonly GroupUsage[]): string[] {
  const heading = [by, 'results', spread, 'restored', 'stored', 'its own', 'oldest', 'newest'];
  const rows = groups.map((group) => [
    group.name,
    countText(group.results),
    countText(group.spread),
    formatBytes(group.restored_bytes),
    formatBytes(group.stored.bytes),
    formatBytes(group.own.bytes),
    minuteText(group.oldest.created),
    minuteText(group.newest.created),
  ]);
  return textTable([heading, ...rows], new Set([1, 2, 3, 4, 5]), '');
}
