// From raw step results to what the tables show: medians per case and tool, the ratio aws/stoat,
// and the issue's targets, each judged pass or falls short on the numbers measured.
import { type StepResult } from './cases.js';
import { type Dataset, type DatasetName } from './datasets.js';
import { type HashingResult } from './hashing.js';
import { limitTargets } from './limitTargets.js';
import { allTools, type Step, type Tool } from './tools.js';

export interface ToolSummary {
  runs: number;
  medianMs: number;
  requests: number;
  bytesSent: number;
  bytesReceived: number;
  contentBytesSent: number;
  contentBytesReceived: number;
  /** The largest of the runs: a peak is what a machine must have room for. */
  peakRssBytes: number | null;
  /** Medians: the tool's own CPU seconds, and what s3rver and the proxy used meanwhile. */
  cpuSeconds: number | null;
  serverCpuSeconds: number | null;
  /** stoat only: the bytes its report says it moved. */
  transferredBytes: number | null;
  /** Requests by kind, from the run with the median time. */
  byKind: Record<string, number>;
}

export interface CaseSummary {
  dataset: DatasetName;
  step: Step;
  stoat: ToolSummary | null;
  aws: ToolSummary | null;
  /** aws time / stoat time: above 1, stoat is faster. */
  ratio: number | null;
  /** Every tool's summary, null where it did not run this case (or failed every run). */
  tools: Record<Tool, ToolSummary | null>;
}

/** A tool's time over stoat's in one case: above 1, stoat is faster; null where either is missing. */
export function timeRatio(summary: CaseSummary, over: Tool, under: Tool): number | null {
  const top = summary.tools[over];
  const bottom = summary.tools[under];
  return top === null || bottom === null ? null : top.medianMs / bottom.medianMs;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianOrNull(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? null : median(known);
}

function summarizeTool(results: StepResult[]): ToolSummary | null {
  const good = results.filter((result) => result.failure === undefined);
  if (good.length === 0) return null;
  const pick = (value: (result: StepResult) => number): number => median(good.map(value));
  const byTime = [...good].sort((a, b) => a.wallMs - b.wallMs);
  const rss = good.map((result) => result.peakRssBytes).filter((value): value is number => value !== null);
  const reported = good.map((result) => result.report?.transferredBytes).filter((value): value is number => value !== undefined);
  return {
    runs: good.length,
    medianMs: pick((result) => result.wallMs),
    requests: pick((result) => result.traffic.requests),
    bytesSent: pick((result) => result.traffic.bytesSent),
    bytesReceived: pick((result) => result.traffic.bytesReceived),
    contentBytesSent: pick((result) => result.traffic.contentBytesSent),
    contentBytesReceived: pick((result) => result.traffic.contentBytesReceived),
    peakRssBytes: rss.length === 0 ? null : Math.max(...rss),
    cpuSeconds: medianOrNull(good.map((result) => result.cpuSeconds)),
    serverCpuSeconds: medianOrNull(good.map((result) => result.serverCpuSeconds)),
    transferredBytes: reported.length === 0 ? null : median(reported),
    byKind: byTime[Math.floor((byTime.length - 1) / 2)]!.traffic.byKind,
  };
}

export function summarizeCases(results: StepResult[]): CaseSummary[] {
  const summaries: CaseSummary[] = [];
  const seen = new Set<string>();
  for (const { dataset, step } of results) {
    const name = `${dataset} ${step}`;
    if (seen.has(name)) continue;
    seen.add(name);
    const of = (tool: Tool): ToolSummary | null => summarizeTool(results.filter((result) => result.dataset === dataset && result.step === step && result.tool === tool));
    const tools = Object.fromEntries(allTools.map((tool) => [tool, of(tool)])) as Record<Tool, ToolSummary | null>;
    const { stoat, aws } = tools;
    summaries.push({ dataset, step, stoat, aws, ratio: stoat !== null && aws !== null ? aws.medianMs / stoat.medianMs : null, tools });
  }
  return summaries;
}

export interface HashingSummary {
  stoatMs: number;
  coreutilsMs: number;
  stoatMBps: number;
  coreutilsMBps: number;
  ratio: number;
  stoatPeakRssBytes: number | null;
  /** md5sum alone over the same files; null in raw results of runs that did not measure it. */
  md5sumMs: number | null;
}

export function summarizeHashing(hashing: HashingResult): HashingSummary | null {
  if (hashing.failure !== undefined || hashing.stoat.wallMs.length === 0 || hashing.coreutils.wallMs.length === 0) return null;
  const stoatMs = median(hashing.stoat.wallMs);
  const coreutilsMs = median(hashing.coreutils.wallMs);
  const rss = hashing.stoat.peakRssBytes.filter((value): value is number => value !== null);
  return {
    stoatMs, coreutilsMs,
    md5sumMs: hashing.md5sum?.wallMs.length ? median(hashing.md5sum.wallMs) : null,
    // MB/s in decimal megabytes, as disk and network speeds are usually given.
    stoatMBps: hashing.bytes / 1e6 / (stoatMs / 1000),
    coreutilsMBps: hashing.bytes / 1e6 / (coreutilsMs / 1000),
    ratio: coreutilsMs / stoatMs,
    stoatPeakRssBytes: rss.length === 0 ? null : Math.max(...rss),
  };
}

export type Verdict = 'pass' | 'falls short' | 'not measured';

export interface TargetResult {
  target: string;
  measured: string;
  verdict: Verdict;
}

export interface TargetInputs {
  cases: CaseSummary[];
  hashing: HashingSummary | null;
  datasets: Map<DatasetName, Dataset>;
  formatBytes(bytes: number): string;
}

const mebibyte = 1024 * 1024;

export function judgeTargets({ cases, hashing, datasets, formatBytes }: TargetInputs): TargetResult[] {
  const find = (dataset: DatasetName, step: Step): CaseSummary | undefined => cases.find((summary) => summary.dataset === dataset && summary.step === step);
  const times = (ratio: number): string => `${ratio.toFixed(2)}×`;
  // A pass this close to its line can turn over on the next run of a shared machine: say so beside it.
  const nearLine = (ratio: number, minimum: number): string => (ratio >= minimum && ratio < minimum * 1.05 ? ' (within 5% of the line: other runs may fall short)' : '');
  const speedTarget = (target: string, dataset: DatasetName, step: Step, minimum: number, maxRequests?: number): TargetResult => {
    const summary = find(dataset, step);
    if (summary?.ratio === null || summary === undefined) return { target, measured: 'no stoat/aws pair measured', verdict: 'not measured' };
    const requests = summary.stoat!.requests;
    const fast = summary.ratio >= minimum;
    const few = maxRequests === undefined || requests <= maxRequests;
    const speed = summary.ratio >= 1 ? `${times(summary.ratio)} faster` : `${times(summary.ratio)}: slower than aws`;
    const measured = `${speed}${maxRequests === undefined ? '' : `, ${requests} requests`}${nearLine(summary.ratio, minimum)}`;
    return { target, measured, verdict: fast && few ? 'pass' : 'falls short' };
  };
  // One output per case, so "per output" is per case.
  const repeatTarget = (target: string, step: Step, bytes: (summary: CaseSummary) => number, what: string): TargetResult => {
    const measured = cases.filter((summary) => summary.step === step && summary.stoat !== null);
    if (measured.length === 0) return { target, measured: 'not measured', verdict: 'not measured' };
    const pass = measured.every((summary) => bytes(summary) === 0 && summary.stoat!.requests <= 2);
    const text = measured.map((summary) => `${summary.dataset.toUpperCase()}: ${summary.stoat!.requests} req, ${formatBytes(bytes(summary))} ${what}`).join('; ');
    return { target, measured: text, verdict: pass ? 'pass' : 'falls short' };
  };

  const results: TargetResult[] = [
    speedTarget('D2 cold save ≥ 8× faster than aws s3 sync', 'd2', 'cold-save', 8),
    speedTarget('D2 restore into empty dir ≥ 8× faster than aws s3 sync, ≤ 20 requests', 'd2', 'restore-empty', 8, 20),
    speedTarget('D1 save ≥ 1.2× faster than aws s3 cp', 'd1', 'cold-save', 1.2),
    speedTarget('D1 restore ≥ 1.2× faster than aws s3 cp', 'd1', 'restore-empty', 1.2),
    repeatTarget('restore when all present: 0 bytes downloaded, ≤ 2 requests per output', 'restore-present', (summary) => summary.stoat!.contentBytesReceived, 'of file content downloaded'),
    repeatTarget('save when nothing changed: 0 bytes uploaded, ≤ 2 requests per output', 'save-unchanged', (summary) => summary.stoat!.bytesSent, 'uploaded'),
  ];

  const changed = find('d2', 'save-changed')?.stoat;
  const d2 = datasets.get('d2');
  if (changed && d2) {
    const share = changed.bytesSent / d2.totalBytes;
    results.push({ target: 'save after 1% of D2 files changed: uploads ≤ 10% of D2’s bytes', measured: `${formatBytes(changed.bytesSent)} = ${(share * 100).toFixed(1)}% of ${formatBytes(d2.totalBytes)}`, verdict: share <= 0.1 ? 'pass' : 'falls short' });
  } else results.push({ target: 'save after 1% of D2 files changed: uploads ≤ 10% of D2’s bytes', measured: 'not measured', verdict: 'not measured' });

  results.push(hashing === null
    ? { target: 'hashing D1+D2, three digests, ≥ 4× faster than coreutils in sequence', measured: 'not measured', verdict: 'not measured' }
    : { target: 'hashing D1+D2, three digests, ≥ 4× faster than coreutils in sequence', measured: `${times(hashing.ratio)} (${hashing.stoatMBps.toFixed(0)} vs ${hashing.coreutilsMBps.toFixed(0)} MB/s)${nearLine(hashing.ratio, 4)}`, verdict: hashing.ratio >= 4 ? 'pass' : 'falls short' });

  const peaks = cases.flatMap((summary) => (summary.stoat?.peakRssBytes == null ? [] : [{ name: `${summary.dataset.toUpperCase()} ${summary.step}`, bytes: summary.stoat.peakRssBytes }]));
  if (hashing?.stoatPeakRssBytes != null) peaks.push({ name: 'hashing', bytes: hashing.stoatPeakRssBytes });
  const largest = peaks.sort((a, b) => b.bytes - a.bytes)[0];
  results.push(largest === undefined
    ? { target: 'stoat peak RSS in any case ≤ 256 MiB', measured: 'not measured', verdict: 'not measured' }
    : { target: 'stoat peak RSS in any case ≤ 256 MiB', measured: `${(largest.bytes / mebibyte).toFixed(0)} MiB (${largest.name})`, verdict: largest.bytes <= 256 * mebibyte ? 'pass' : 'falls short' });

  for (const step of ['cold-save', 'restore-empty'] as const) {
    const target = `D3 vs D2 ${step === 'cold-save' ? 'cold save' : 'restore into empty dir'}: time per file within 1.5×`;
    const small = find('d2', step)?.stoat;
    const large = find('d3', step)?.stoat;
    const d3 = datasets.get('d3');
    if (!small || !large || !d2 || !d3) {
      results.push({ target, measured: 'not measured', verdict: 'not measured' });
      continue;
    }
    const perFileD2 = small.medianMs / d2.spec.files;
    const perFileD3 = large.medianMs / d3.spec.files;
    const growth = perFileD3 / perFileD2;
    results.push({ target, measured: `${(perFileD3 * 1000).toFixed(0)} µs vs ${(perFileD2 * 1000).toFixed(0)} µs per file (${times(growth)})`, verdict: growth <= 1.5 ? 'pass' : 'falls short' });
  }
  results.push(...limitTargets(cases, hashing));
  return results;
}
