import { type OutputLookup, type UnlistedStoreReport } from '../core/unlistedStoreReport.js';
import { countOf, minuteText } from './textTable.js';
import { formatBytes, shortHash } from './units.js';

/** `stoat du` or `stoat prune` on a store that cannot list: why, then the newest result of each output asked about. */
export function unlistedStoreLines(report: UnlistedStoreReport, command: 'du' | 'prune'): string[] {
  const lines = [command === 'prune' ? `nothing removed: ${report.note}` : report.note];
  for (const lookup of report.outputs) lines.push(...lookupLines(lookup));
  if (report.outputs.length === 0) lines.push(`give --output PATH (repeatable) to see the newest result of an output that this job can read, and whether the cache still holds all of it`);
  return lines;
}

function lookupLines(lookup: OutputLookup): string[] {
  const { newest } = lookup;
  if (newest === null) return [`${lookup.output}: ${lookup.unusable ?? 'no result that this job can read'}`];
  const gone = newest.missing.length;
  const whole =
    gone === 0
      ? `the cache holds all it needs (${countOf(newest.objects, 'object')})`
      : `${gone} of its ${countOf(newest.objects, 'object')} ${gone === 1 ? 'is' : 'are'} gone (evicted), so restoring it is a miss until a save writes ${gone === 1 ? 'it' : 'them'} again`;
  const lines = [
    `${lookup.output}: the newest result this job can read was saved ${minuteText(newest.created)} in scope ${newest.scope} (key ${shortHash(newest.key)}, tree ${shortHash(newest.tree)}): ` +
      `${countOf(newest.files, 'file')}, ${formatBytes(newest.bytes)}; ${whole}`,
  ];
  for (const missing of newest.missing) lines.push(`  gone: ${missing}`);
  return lines;
}
