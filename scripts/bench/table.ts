// Markdown tables of the results, the same text on the terminal and in BENCHMARKS.md.
import { type Dataset, type DatasetName, describeSpec } from './datasets.js';
import { type CaseSummary, type HashingSummary, type TargetResult, type ToolSummary } from './results.js';
import { stepTitles } from './tools.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function pair(stoat: ToolSummary | null, aws: ToolSummary | null, value: (summary: ToolSummary) => string): string {
  return `${stoat === null ? '–' : value(stoat)} / ${aws === null ? '–' : value(aws)}`;
}

const rss = (summary: ToolSummary): string => (summary.peakRssBytes === null ? '?' : `${Math.round(summary.peakRssBytes / 1024 / 1024)}`);

/** One row per dataset and case: medians, the ratio, requests, bytes and memory of both tools. */
export function casesTable(cases: CaseSummary[]): string {
  const header = ['dataset', 'case', 'stoat s', 'aws s', 'aws/stoat', 'requests stoat / aws', 'sent stoat / aws', 'received stoat / aws', 'peak RSS MiB stoat / aws', 'runs'];
  const rows = cases.map(({ dataset, step, stoat, aws, ratio }) => [
    dataset.toUpperCase(),
    stepTitles[step],
    stoat === null ? 'failed' : seconds(stoat.medianMs),
    aws === null ? '–' : seconds(aws.medianMs),
    ratio === null ? '–' : `${ratio.toFixed(2)}×`,
    pair(stoat, aws, (summary) => String(summary.requests)),
    pair(stoat, aws, (summary) => formatBytes(summary.bytesSent)),
    pair(stoat, aws, (summary) => formatBytes(summary.bytesReceived)),
    pair(stoat, aws, rss),
    pair(stoat, aws, (summary) => String(summary.runs)),
  ]);
  return table(header, rows);
}

const cpu = (value: number | null): string => (value === null ? '?' : value.toFixed(1));

/**
 * Where the CPU went in each case: the tool's own (threads and children included), and s3rver's and
 * the proxy's while it ran. On a machine with few cores, the sum against cores × wall time says
 * whether a case was bound by the CPU of the whole machine rather than by either tool.
 */
export function cpuTable(cases: CaseSummary[], cores: number): string {
  const header = ['dataset', 'case', 'tool CPU s stoat / aws', 's3rver + proxy CPU s during stoat / aws', `machine busy stoat / aws (all CPU ÷ ${cores} cores × wall)`];
  const busy = (summary: ToolSummary): string =>
    summary.cpuSeconds === null || summary.serverCpuSeconds === null ? '?' : `${Math.round(((summary.cpuSeconds + summary.serverCpuSeconds) / (cores * (summary.medianMs / 1000))) * 100)}%`;
  const rows = cases.map(({ dataset, step, stoat, aws }) => [
    dataset.toUpperCase(),
    stepTitles[step],
    pair(stoat, aws, (summary) => cpu(summary.cpuSeconds)),
    pair(stoat, aws, (summary) => cpu(summary.serverCpuSeconds)),
    pair(stoat, aws, busy),
  ]);
  return table(header, rows);
}

/** What stoat's requests were, by kind, and what its own report says it moved. */
export function requestsTable(cases: CaseSummary[]): string {
  const header = ['dataset', 'case', 'stoat requests by kind', 'file content sent / received', 'stoat report: transferred'];
  const rows = cases.filter((summary) => summary.stoat !== null).map(({ dataset, step, stoat }) => [
    dataset.toUpperCase(),
    stepTitles[step],
    Object.entries(stoat!.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none',
    `${formatBytes(stoat!.contentBytesSent)} / ${formatBytes(stoat!.contentBytesReceived)}`,
    stoat!.transferredBytes === null ? '?' : formatBytes(stoat!.transferredBytes),
  ]);
  return table(header, rows);
}

export function hashingTable(hashing: HashingSummary | null, files: number, bytes: number): string {
  if (hashing === null) return files === 0 ? 'Hashing was not part of this run.' : 'Hashing was not measured (see the failures).';
  const header = ['tool', 'median s', 'MB/s', 'coreutils/stoat'];
  return table(header, [
    [`stoat hash (md5+sha1+sha256, one read), ${files.toLocaleString('en-US')} files, ${formatBytes(bytes)}`, seconds(hashing.stoatMs), hashing.stoatMBps.toFixed(0), `${hashing.ratio.toFixed(2)}×`],
    ['md5sum; sha1sum; sha256sum (xargs, in sequence)', seconds(hashing.coreutilsMs), hashing.coreutilsMBps.toFixed(0), '1×'],
  ]);
}

export function targetsTable(targets: TargetResult[]): string {
  return table(['target', 'measured', 'verdict'], targets.map((target) => [target.target, target.measured, target.verdict === 'pass' ? '**pass**' : target.verdict]));
}

export function datasetsTable(datasets: Map<DatasetName, Dataset>): string {
  return table(['dataset', 'content', 'bytes'], [...datasets.values()].map((dataset) => [dataset.spec.name.toUpperCase(), describeSpec(dataset.spec), formatBytes(dataset.totalBytes)]));
}
