// The gha part's table and targets (see ghaBench.ts): medians over the runs, and the issue's three
// targets judged on D2.
import { median } from './results.js';
import { formatBytes } from './table.js';

export interface GhaRun {
  wallMs: number;
  /** The peer's saveCache/restoreCache call alone, without starting node and loading @actions/cache. */
  callMs: number | undefined;
  /** Of the process measured: stoat's CLI process without the processes it runs @actions/cache in. */
  peakRssBytes: number | null;
  /** Entries created (finalized) by the step. */
  entries: number;
  lookups: number;
  reservations: number;
  /** Archive bytes of the entries created. */
  uploadedBytes: number;
  failure: string | undefined;
}

export interface GhaRow {
  dataset: string;
  totalBytes: number;
  tool: 'stoat' | 'actions/cache';
  step: string;
  runs: GhaRun[];
}

const titles: Record<string, string> = { 'cold-save': 'cold save', 'restore-empty': 'restore into empty dir', 'save-unchanged': 'save, nothing changed', 'save-changed': 'save, 1% of files changed' };

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}

export function ghaTable(rows: readonly GhaRow[]): string {
  const header = ['data', 'case', 'tool', 'median s', 'runs s', 'call alone s', 'peak RSS MiB', 'entries created', 'reservations', 'lookups and downloads', 'uploaded'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index < 3 ? '---' : '--:')).join('|')}|`];
  for (const row of rows) {
    const runs = row.runs;
    const calls = runs.map((run) => run.callMs).filter((value): value is number => value !== undefined);
    const uploaded = median(runs.map((run) => run.uploadedBytes));
    lines.push(`| ${[
      row.dataset.toUpperCase(),
      titles[row.step] ?? row.step,
      row.tool,
      seconds(median(runs.map((run) => run.wallMs))),
      runs.map((run) => seconds(run.wallMs)).join(', '),
      calls.length === 0 ? '–' : seconds(median(calls)),
      String(Math.round(Math.max(...runs.map((run) => run.peakRssBytes ?? 0)) / 1024 / 1024)),
      String(median(runs.map((run) => run.entries))),
      String(median(runs.map((run) => run.reservations))),
      String(median(runs.map((run) => run.lookups))),
      `${formatBytes(uploaded)} (${((uploaded / row.totalBytes) * 100).toFixed(1)}%)`,
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The issue's targets on D2, each with what was measured. */
export function ghaTargets(rows: readonly GhaRow[]): string {
  const find = (tool: GhaRow['tool'], step: string): GhaRow | undefined => rows.find((row) => row.dataset === 'd2' && row.tool === tool && row.step === step);
  const lines: string[] = [];
  const stoatRestore = find('stoat', 'restore-empty');
  const peerRestore = find('actions/cache', 'restore-empty');
  if (stoatRestore !== undefined && peerRestore !== undefined) {
    const ours = median(stoatRestore.runs.map((run) => run.wallMs));
    const theirs = median(peerRestore.runs.map((run) => run.wallMs));
    const theirCall = median(peerRestore.runs.map((run) => run.callMs ?? run.wallMs));
    lines.push(`- D2 restore no slower than actions/cache's: stoat ${seconds(ours)} s (the whole CLI run), actions/cache ${seconds(theirs)} s (its call alone ${seconds(theirCall)} s): ${ours <= theirs ? 'met' : 'MISSED'}`);
  }
  const unchanged = find('stoat', 'save-unchanged');
  if (unchanged !== undefined) {
    const lookups = Math.max(...unchanged.runs.map((run) => run.lookups));
    lines.push(`- D2 save with nothing changed ≤ 1 lookup: ${lookups} lookup(s), ${Math.max(...unchanged.runs.map((run) => run.reservations))} reservations: ${lookups <= 1 ? 'met' : 'MISSED'}`);
  }
  const changed = find('stoat', 'save-changed');
  if (changed !== undefined) {
    const share = Math.max(...changed.runs.map((run) => run.uploadedBytes)) / changed.totalBytes;
    lines.push(`- D2 save after 1% changed uploads ≤ 10% of the bytes: ${(share * 100).toFixed(1)}% (actions/cache uploads everything again under a new key): ${share <= 0.1 ? 'met' : 'MISSED'}`);
  }
  const cold = find('stoat', 'cold-save');
  if (cold !== undefined) lines.push(`- D2 cold save: ${Math.max(...cold.runs.map((run) => run.entries))} entries created (at most 8 wanted)`);
  return lines.join('\n');
}
