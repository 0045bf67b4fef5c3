// Markdown tables of the results, the same text on the terminal and in BENCHMARKS.md.
import { type Dataset, type DatasetName, describeSpec } from './datasets.js';
import { type CaseSummary, type HashingSummary, type TargetResult, timeRatio, type ToolSummary } from './results.js';
import { allTools, stepTitles, toolTitles } from './tools.js';

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

/** One value per tool, in the order of `allTools`, `–` where a tool has no result for the case. */
function perTool(summary: CaseSummary, value: (tool: ToolSummary) => string): string {
  return allTools.map((tool) => (summary.tools[tool] === null ? '–' : value(summary.tools[tool]!))).join(' / ');
}

const toolOrder = allTools.map((tool) => toolTitles[tool]).join(' / ');
const rss = (summary: ToolSummary): string => (summary.peakRssBytes === null ? '?' : `${Math.round(summary.peakRssBytes / 1024 / 1024)}`);
const ratioCell = (ratio: number | null): string => (ratio === null ? '–' : `${ratio.toFixed(2)}×`);

/**
 * One row per dataset and case: every tool's median time, each peer's time over stoat's (above 1,
 * stoat is faster) and stoat's over the one-object limit's (how far from the floor it is).
 */
export function casesTable(cases: CaseSummary[]): string {
  const peers = allTools.filter((tool) => tool !== 'stoat' && tool !== 'limit');
  const header = ['dataset', 'case', ...allTools.map((tool) => `${toolTitles[tool]} s`), ...peers.map((tool) => `${toolTitles[tool]}/stoat`), 'stoat/limit', `runs (${toolOrder})`];
  const rows = cases.map((summary) => [
    summary.dataset.toUpperCase(),
    stepTitles[summary.step],
    ...allTools.map((tool) => (summary.tools[tool] === null ? (tool === 'stoat' ? 'failed' : '–') : seconds(summary.tools[tool]!.medianMs))),
    ...peers.map((tool) => ratioCell(timeRatio(summary, tool, 'stoat'))),
    ratioCell(timeRatio(summary, 'stoat', 'limit')),
    perTool(summary, (tool) => String(tool.runs)),
  ]);
  return table(header, rows);
}

/** Requests, bytes and memory of every tool in each case. */
export function trafficTable(cases: CaseSummary[]): string {
  const header = ['dataset', 'case', `requests (${toolOrder})`, 'sent by stoat / aws', 'received by stoat / aws', `peak RSS MiB (${toolOrder})`];
  const pair = (summary: CaseSummary, value: (tool: ToolSummary) => string): string =>
    [summary.stoat, summary.aws].map((tool) => (tool === null ? '–' : value(tool))).join(' / ');
  const rows = cases.map((summary) => [
    summary.dataset.toUpperCase(),
    stepTitles[summary.step],
    perTool(summary, (tool) => String(tool.requests)),
    pair(summary, (tool) => formatBytes(tool.bytesSent)),
    pair(summary, (tool) => formatBytes(tool.bytesReceived)),
    perTool(summary, rss),
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
  const header = ['dataset', 'case', `tool CPU s (${toolOrder})`, 's3rver + proxy CPU s during each', `machine busy during each (all CPU ÷ ${cores} cores × wall)`];
  const busy = (summary: ToolSummary): string =>
    summary.cpuSeconds === null || summary.serverCpuSeconds === null ? '?' : `${Math.round(((summary.cpuSeconds + summary.serverCpuSeconds) / (cores * (summary.medianMs / 1000))) * 100)}%`;
  const rows = cases.map((summary) => [
    summary.dataset.toUpperCase(),
    stepTitles[summary.step],
    perTool(summary, (tool) => cpu(tool.cpuSeconds)),
    perTool(summary, (tool) => cpu(tool.serverCpuSeconds)),
    perTool(summary, busy),
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
  const header = ['tool', 'median s', 'MB/s', 'this row\'s time / stoat\'s'];
  return table(header, [
    [`stoat hash (md5+sha1+sha256, one read), ${files.toLocaleString('en-US')} files, ${formatBytes(bytes)}`, seconds(hashing.stoatMs), hashing.stoatMBps.toFixed(0), '1×'],
    ['md5sum; sha1sum; sha256sum (xargs, in sequence)', seconds(hashing.coreutilsMs), hashing.coreutilsMBps.toFixed(0), `${hashing.ratio.toFixed(2)}×`],
    ...(hashing.md5sumMs === null ? [] : [['md5sum alone (xargs): the floor for md5 on one core', seconds(hashing.md5sumMs), (bytes / 1e6 / (hashing.md5sumMs / 1000)).toFixed(0), `${(hashing.md5sumMs / hashing.stoatMs).toFixed(2)}×`]]),
  ]);
}

export function targetsTable(targets: TargetResult[]): string {
  return table(['target', 'measured', 'verdict'], targets.map((target) => [target.target, target.measured, target.verdict === 'pass' ? '**pass**' : target.verdict]));
}

export function datasetsTable(datasets: Map<DatasetName, Dataset>): string {
  return table(['dataset', 'content', 'bytes'], [...datasets.values()].map((dataset) => [dataset.spec.name.toUpperCase(), describeSpec(dataset.spec), formatBytes(dataset.totalBytes)]));
}
