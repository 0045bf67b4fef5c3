// The results as one Markdown text: printed after every run, and written to BENCHMARKS.md by a full one.
import { type StepResult } from './cases.js';
import { type Dataset, type DatasetName } from './datasets.js';
import { machineLines, type Machine } from './machine.js';
import { peerMethod, rcloneSweep } from './peerMethod.js';
import { type ProxyOverhead } from './proxyOverhead.js';
import { type CaseSummary, type HashingSummary, type TargetResult } from './results.js';
import { casesTable, cpuTable, datasetsTable, hashingTable, requestsTable, targetsTable, trafficTable } from './table.js';

export interface Outcome {
  quick: boolean;
  machine: Machine;
  datasets: Map<DatasetName, Dataset>;
  cases: CaseSummary[];
  hashing: HashingSummary | null;
  hashedFiles: number;
  hashedBytes: number;
  targets: TargetResult[];
  failures: string[];
  /** Requests that failed at the server (or the proxy) in steps that still succeeded. */
  serverErrors: string[];
  durationSeconds: number;
  /** Plan details worth stating, such as fewer peer runs on D3. */
  planNotes: string[];
  rawResultsPath: string;
  proxyOverhead: ProxyOverhead | null;
}

function overheadNote(overhead: ProxyOverhead | null): string[] {
  if (overhead === null) return [];
  const share = (overhead.proxiedMs / overhead.directMs - 1) * 100;
  return [
    `- What the proxy costs: stoat restoring D1 straight from s3rver took ${(overhead.directMs / 1000).toFixed(2)} s, through the proxy ` +
      `${(overhead.proxiedMs / 1000).toFixed(2)} s (medians of ${overhead.runs} each, alternating): ${share >= 0 ? '+' : ''}${share.toFixed(0)}%.`,
  ];
}

/**
 * For each transfer target judged short: the time and CPU of both tools and of the servers, so the
 * reason is read off the numbers of this run rather than asserted.
 */
function shortfallNotes(outcome: Outcome): string[] {
  const notes: string[] = [];
  for (const { target, verdict } of outcome.targets) {
    const which = /^(D\d) (?:cold )?(save|restore) /.exec(target);
    if (verdict === 'pass' || which === null) continue;
    const summary = outcome.cases.find((entry) => entry.dataset === which[1]!.toLowerCase() && entry.step === (which[2] === 'save' ? 'cold-save' : 'restore-empty'));
    const { stoat, aws } = summary ?? {};
    if (stoat == null || aws == null || stoat.cpuSeconds === null || aws.cpuSeconds === null || stoat.serverCpuSeconds === null || aws.serverCpuSeconds === null) continue;
    const side = (name: string, tool: typeof stoat): string =>
      `${name} ${(tool.medianMs / 1000).toFixed(2)} s, using ${tool.cpuSeconds!.toFixed(1)} s of CPU while s3rver and the proxy used ${tool.serverCpuSeconds!.toFixed(1)} s`;
    notes.push(`- ${target}: ${side('stoat', stoat)}; ${side('aws', aws)}.`);
  }
  if (notes.length === 0) return [];
  return [
    '## What falls short, in numbers',
    '',
    ...notes,
    '',
    'A restore by stoat includes the sha256 of every byte it writes, checked before the file is put in',
    'place (about 1 s of CPU per GiB, on a thread of its own); aws checks nothing. s3rver is one',
    'single-threaded process: on a save its CPU time close to the wall time means the server, not the',
    'client, set the pace. See the CPU table for how busy the whole machine was.',
    '',
  ];
}

/** The tables alone, for the terminal. */
export function resultTables(outcome: Outcome): string {
  const parts = [
    '## Targets', '', targetsTable(outcome.targets), '',
    '## Transfers (medians)', '', casesTable(outcome.cases), '',
    '## Requests, bytes and memory (medians; peak RSS: the largest run)', '', trafficTable(outcome.cases), '',
    '## CPU (medians)', '', cpuTable(outcome.cases, outcome.machine.cores), '',
    ...shortfallNotes(outcome),
    '## Hashing', '', hashingTable(outcome.hashing, outcome.hashedFiles, outcome.hashedBytes), '',
    '## stoat’s requests', '', requestsTable(outcome.cases),
  ];
  if (outcome.failures.length > 0) parts.push('', '## Failures', '', ...outcome.failures.map((failure) => `- ${failure}`));
  if (outcome.serverErrors.length > 0) {
    parts.push('', '## Requests that did not go through at the first try, in steps that succeeded', '', ...outcome.serverErrors.map((line) => `- ${line}`));
  }
  return parts.join('\n');
}

/** The whole of BENCHMARKS.md. */
export function benchmarksDocument(outcome: Outcome): string {
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`node --import tsx scripts/bench/bench.ts`); do not edit by hand, run it again.',
    `The run took ${(outcome.durationSeconds / 60).toFixed(1)} minutes, dataset generation and server start included.`,
    '',
    '## Machine',
    '',
    ...machineLines(outcome.machine),
    '',
    '## Datasets',
    '',
    'Fixed (DESIGN.md, "Benchmark datasets"), generated from a fixed seed (AES-128-CTR over zeros) and cached under `.bench/datasets/`.',
    '',
    datasetsTable(outcome.datasets),
    '',
    resultTables(outcome),
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bundle                      # the bench measures dist/, as a user runs it',
    'apt-get install -y awscli rclone zstd curl   # the peers; a missing one is skipped with a line saying so',
    'npm run bench                      # the full run: writes BENCHMARKS.md and .bench/results-*.json',
    'npm run bench -- --quick           # small data, 3 runs, under 2 minutes; prints the tables only',
    'npm run bench -- --only d1 --runs 1   # a part (d1, d2, d3, hashing; comma-separated); prints only',
    'node --import tsx scripts/bench/rcloneSweep.ts   # the sweep that chose rclone\'s flags (D2, one run each)',
    '```',
    '',
    'Exit code: 0 when every command succeeded and every restored tree matched its dataset, whatever the',
    'targets; 1 when a command failed or a restore produced wrong bytes.',
    '',
    '## How it measures',
    '',
    '- Every client talks to the same s3rver on loopback (one process) through a counting HTTP proxy (another',
    '  process) that pipes bodies through and counts requests and body bytes per case. "Sent" is request',
    '  bodies (uploads), "received" is response bodies (downloads: object bytes, listings and manifests).',
    '  "File content" counts only stoat\'s blob and pack objects, so a restore that only read its manifest',
    '  shows 0 there: the restore target is judged on it, the unchanged-save target on everything sent.',
    '- stoat runs as a user runs it: `node dist/cli/index.js save|restore --command "bench <dataset> <run>"',
    '  --outputs <dataset> --working-directory <dir> --remote s3://bench/<prefix> --s3-endpoint <proxy> --json`,',
    '  from a copy of dist/ taken when the run starts (so a rebuild during a run cannot mix two builds).',
    '- aws runs with its defaults (max_concurrent_requests 10, multipart threshold and chunk size 8 MiB, the',
    '  classic transfer client: no config file is read) and `--only-show-errors`, so neither side draws',
    '  progress. D1 uses `aws s3 cp` for the first save and restore and `aws s3 sync` for the repeats (cp',
    '  always copies); everything else uses `aws s3 sync`. aws decides "unchanged" by size and time alone;',
    '  stoat by sha256, with its hash cache on (the default; one cache per run of the sequence, so each',
    '  cold save starts with none and the repeat steps use what the earlier steps of the run remembered).',
    ...peerMethod,
    '- Every run of every tool uses a fresh prefix and a fresh, empty restore directory, so "cold" is cold',
    '  on the server side; the datasets themselves are in the page cache for every tool. Runs rotate',
    '  which tool goes first. Times are medians of the runs; "peak RSS" is the largest over the runs',
    '  (GNU time %M of the node process, or of the python process for aws).',
    '- "1% changed": that many files (fixed seed) rewritten with new random bytes of the same size, in a',
    '  hard-linked copy of the dataset; stoat saves it under a new command string into the same prefix,',
    '  aws syncs it and rclone copies it to the same prefix, tar+zstd archives it whole under a new key. A',
    '  tool that sent fewer bytes than the changed files hold missed the change, and its run fails.',
    '- Every restored tree, of every tool, is compared with the dataset file by file by sha256 (the limit\'s',
    '  one object: by its size).',
    '- Hashing: `stoat hash --json d1/data.bin d2` against `xargs -0 md5sum`, then `sha1sum`, then',
    '  `sha256sum` over the same list, and `md5sum` alone (the floor on two cores: md5 cannot be split',
    '  across cores), after one unmeasured read that puts every file in the page cache.',
    ...overheadNote(outcome.proxyOverhead),
    ...outcome.planNotes.map((note) => `- ${note}`),
    `- Raw results: \`${outcome.rawResultsPath}\` (every run of every step, with its request counts by kind).`,
    ...rcloneSweep,
  ].join('\n');
}

export function collectFailures(results: StepResult[]): string[] {
  return results.filter((result) => result.failure !== undefined).map((result) => `${result.dataset.toUpperCase()} ${result.tool} run ${result.run} ${result.step}: ${result.failure}`);
}

export function collectServerErrors(results: StepResult[]): string[] {
  return results
    .filter((result) => result.failure === undefined && (result.traffic.failures > 0 || result.traffic.proxyRetries > 0))
    .map((result) => {
      const what: string[] = [];
      if (result.traffic.failures > 0) what.push(`${result.traffic.failures} answered with an error or failed at the proxy, and the client retried (${result.traffic.failureDetails.join('; ')})`);
      if (result.traffic.proxyRetries > 0) what.push(`${result.traffic.proxyRetries} resent by the proxy itself after s3rver reset an idle kept-alive connection (the client saw nothing)`);
      return `${result.dataset.toUpperCase()} ${result.tool} run ${result.run} ${result.step}: ${what.join('; ')}`;
    });
}
