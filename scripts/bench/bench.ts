// The benchmark: stoat against the AWS CLI, rclone, actions/cache's tar+zstd and the one-object limit
// on the same s3rver, and stoat hash against coreutils.
//   node --import tsx scripts/bench/bench.ts [--quick] [--runs N] [--peer-on-d3] [--only d1,d2,d3,hashing]
//   node --import tsx scripts/bench/bench.ts --only store   (du and prune on stores of 10,000 results, on its own)
//   node --import tsx scripts/bench/bench.ts --only gha     (the GitHub Actions cache against actions/cache's method, on its own)
// A full run writes BENCHMARKS.md; --quick and --only (a part of the run) only print. See BENCHMARKS.md for
// what is measured and how.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchContext, type DatasetPlan, runDatasetPlan, type StepResult } from './cases.js';
import { datasetSpecs, type Dataset, type DatasetName, loadDataset } from './datasets.js';
import { benchmarksDocument, collectFailures, collectServerErrors, type Outcome, resultTables } from './document.js';
import { type ExplainResult, explainBudget, measureExplain } from './explain.js';
import { type HashingResult, runHashing } from './hashing.js';
import { runStoreBench } from './storeBench.js';
import { runGhaBench } from './ghaBench.js';
import { bundleDigest, describeMachine } from './machine.js';
import { measureProxyOverhead } from './proxyOverhead.js';
import { judgeTargets, summarizeCases, summarizeHashing } from './results.js';
import { startCountingProxy, startS3rver } from './services.js';
import { formatBytes } from './table.js';
import { findPeers } from './peers.js';
import { type Step, type Tool } from './tools.js';

const repository = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const benchDirectory = join(repository, '.bench');
const bucket = 'bench';

const allSteps: Step[] = ['cold-save', 'restore-empty', 'restore-present', 'save-unchanged', 'save-changed'];
// 1% of one file is the whole file: on D1 that case would repeat the cold save.
const repeatSteps: Step[] = ['cold-save', 'restore-empty', 'restore-present', 'save-unchanged'];
// D3 has no "1% changed" case: at 1 KiB a file, it would measure D2's case again with more names.
const scaleSteps: Step[] = ['cold-save', 'restore-empty', 'restore-present', 'save-unchanged'];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

type Part = DatasetName | 'hashing' | 'explain' | 'store' | 'gha';
const allParts: readonly Part[] = ['d1', 'd2', 'd3', 'hashing', 'explain'];
/** Parts run only when named, and on their own: each measures for a section kept by hand in BENCHMARKS.md. */
const namedParts: readonly Part[] = ['store', 'gha'];

interface Options {
  quick: boolean;
  runs: number;
  peerOnD3: boolean;
  /** The parts to run; a run of only some of them measures what it can and writes no BENCHMARKS.md. */
  only: ReadonlySet<Part>;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' }, 'peer-on-d3': { type: 'boolean', default: false }, only: { type: 'string', default: allParts.join(',') } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1, not ${values.runs}`);
  const only = new Set<Part>();
  for (const name of values.only.split(',').map((part) => part.trim().toLowerCase())) {
    if (![...allParts, ...namedParts].includes(name as Part)) throw new Error(`--only takes a comma-separated list of ${[...allParts, ...namedParts].join(', ')}, not ${JSON.stringify(name)}`);
    only.add(name as Part);
  }
  return { quick: values.quick, runs, peerOnD3: values['peer-on-d3'], only };
}

/**
 * A copy of the built bundle, taken now: dist/ may be rebuilt while the bench runs, and
 * one run must measure one build. A rebuild deletes dist/ first, so a copy is kept only once the
 * bundle is there and unchanged across the copy; the bench waits out a rebuild in progress.
 */
async function snapshotBundle(): Promise<string> {
  const dist = join(repository, 'dist');
  const snapshot = join(benchDirectory, 'stoat-dist');
  for (let attempt = 1; attempt <= 60; attempt += 1) {
    const before = bundleDigest(join(dist, 'stoat'));
    if (before !== null && existsSync(join(dist, 'cli', 'index.js'))) {
      await rm(snapshot, { recursive: true, force: true });
      await cp(dist, snapshot, { recursive: true });
      if (bundleDigest(join(dist, 'stoat')) === before && bundleDigest(join(snapshot, 'stoat')) === before) return snapshot;
    }
    if (attempt === 1) log('dist/ is missing or changing (a rebuild?): waiting for it');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`${dist} has no stable build (cli/index.js and stoat/): run npm run bundle first`);
}

/**
 * D3 is the scale set: what matters is how stoat's time per file compares with D2's. aws on D3 means
 * 100,000 PUTs and then GETs at several ms of s3rver CPU each, most of an hour per run, so it is
 * measured only with --peer-on-d3; rclone, a few minutes per run there, runs once unless asked for more.
 */
function plans(datasets: Map<DatasetName, Dataset>, options: Options): { plans: DatasetPlan[]; notes: string[] } {
  const { quick, runs, peerOnD3 } = options;
  const every = (count: number): Record<Tool, number> => ({ stoat: count, aws: count, rclone: count, tarzstd: count, limit: count });
  const d3Runs = { ...every(runs), aws: peerOnD3 ? runs : 0, rclone: peerOnD3 || quick ? runs : 1 };
  const notes = [
    'D1 has no "1% changed" case: 1% of one file is the whole file, the cold save again.',
    `D3 has no "1% changed" case${peerOnD3 || quick ? '' : '; aws does not run on D3 and rclone runs once there (`--peer-on-d3` runs both as often as stoat)'}; stoat's D3 time per file is compared with its D2 time per file.`,
  ];
  const all: DatasetPlan[] = [
    { dataset: datasets.get('d1')!, steps: repeatSteps, runs: every(runs) },
    { dataset: datasets.get('d2')!, steps: allSteps, runs: every(runs) },
    { dataset: datasets.get('d3')!, steps: scaleSteps, runs: d3Runs, slowRunSeconds: quick ? undefined : 8 * 60 },
  ];
  return { plans: all.filter((plan) => plan.dataset !== undefined && options.only.has(plan.dataset.spec.name)), notes };
}

async function main(): Promise<number> {
  const started = performance.now();
  const loadAtStart = loadavg();
  const options = parseOptions();
  const { quick, runs } = options;
  const whole = options.only.size === allParts.length;
  log(`stoat bench (${quick ? 'quick' : 'full'}, ${runs} runs); load average at start ${loadAtStart.map((value) => value.toFixed(2)).join(', ')}`);

  if (options.only.has('store')) {
    // On its own, with servers and folders of its own: it leaves the other parts' folders alone.
    if (options.only.size > 1) throw new Error('--only store runs on its own: name it alone');
    return runStoreBench({ stoatCli: join(await snapshotBundle(), 'cli', 'index.js'), benchDirectory, quick, runs, log });
  }
  if (options.only.has('gha')) {
    if (options.only.size > 1) throw new Error('--only gha runs on its own: name it alone');
    return runGhaBench({ stoatCli: join(await snapshotBundle(), 'cli', 'index.js'), benchDirectory, quick, runs, log });
  }
  const workDirectory = join(benchDirectory, 'work');
  const s3Directory = join(benchDirectory, 's3rver');
  await rm(workDirectory, { recursive: true, force: true });
  await rm(s3Directory, { recursive: true, force: true });
  await mkdir(workDirectory, { recursive: true });
  await mkdir(s3Directory, { recursive: true });

  const bundle = await snapshotBundle();
  const stoatCli = join(bundle, 'cli', 'index.js');
  const datasetRoot = join(benchDirectory, 'datasets', quick ? 'quick' : 'full');
  await mkdir(datasetRoot, { recursive: true });
  const datasets = new Map<DatasetName, Dataset>();
  // Hashing reads D1 and D2; the explain part needs no dataset at all.
  const needed = (name: DatasetName): boolean => options.only.has(name) || (options.only.has('hashing') && name !== 'd3');
  for (const spec of datasetSpecs(quick)) if (needed(spec.name)) datasets.set(spec.name, await loadDataset(spec, datasetRoot, log));

  const peers = findPeers();
  for (const line of peers.lines) log(line);
  const machine = describeMachine(peers, join(bundle, 'stoat'), loadAtStart);

  const s3rver = await startS3rver(s3Directory, bucket);
  const proxy = await startCountingProxy(s3rver.port);
  const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
  const s3Url = `http://127.0.0.1:${s3rver.port}`;
  // Far above any healthy command (the slowest, aws on D2, takes a minute or two), far below "forever".
  const commandTimeoutSeconds = options.peerOnD3 ? 90 * 60 : quick ? 60 : 10 * 60;
  const context: BenchContext = { stoatCli, peers, proxy, servers: [s3rver, proxy], bucket, s3Url, s3Directory, benchDirectory, workDirectory, runId, commandTimeoutSeconds, log };
  const results: StepResult[] = [];
  const plan = plans(datasets, options);
  let hashing: HashingResult | undefined;
  let explain: ExplainResult | undefined;
  let overhead;
  try {
    for (const datasetPlan of plan.plans) {
      log(`${datasetPlan.dataset.spec.name}: ${datasetPlan.steps.join(', ')}`);
      const outcome = await runDatasetPlan(context, datasetPlan);
      results.push(...outcome.results);
      plan.notes.push(...outcome.notes);
    }
    // Only the full run pays for this probe: it would take a quick run past its 2 minutes.
    if (!quick && whole) {
      log('proxy overhead');
      overhead = await measureProxyOverhead(context, datasets.get('d1')!, s3Url, runs);
    }
    if (options.only.has('hashing')) {
      log('hashing');
      hashing = await runHashing([datasets.get('d1')!, datasets.get('d2')!], stoatCli, workDirectory, runs, commandTimeoutSeconds, log);
    }
    if (options.only.has('explain')) {
      log('explain');
      explain = await measureExplain(proxy, s3Directory, bucket, Math.max(runs, 5));
    }
  } finally {
    await proxy.stop();
    await s3rver.stop();
    await rm(s3Directory, { recursive: true, force: true });
    await rm(workDirectory, { recursive: true, force: true });
  }

  const cases = summarizeCases(results);
  const hashingSummary = hashing === undefined ? null : summarizeHashing(hashing);
  const failures = collectFailures(results);
  if (hashing?.failure !== undefined) failures.push(`hashing: ${hashing.failure}`);
  if (explain?.failure !== undefined) failures.push(explain.failure);
  if (overhead !== undefined && 'failure' in overhead) failures.push(overhead.failure);
  const loads = results.map((result) => result.loadAfter);
  const peakLoad = loads.length === 0 ? null : Math.max(...loads);
  if (peakLoad !== null && peakLoad > machine.cores) {
    plan.notes.push(`The machine was shared with other work during the run (1-minute load average up to ${peakLoad.toFixed(1)} on ${machine.cores} cores): absolute times are noisy; the ratios compare runs made minutes apart under similar load.`);
  }
  const rawResultsPath = join(benchDirectory, `results-${quick ? 'quick' : 'full'}-${runId}.json`);
  const outcome: Outcome = {
    quick, machine: { ...machine, loadAtEnd: loadavg(), peakLoad }, datasets, cases, hashing: hashingSummary,
    hashedFiles: hashing?.files ?? 0, hashedBytes: hashing?.bytes ?? 0,
    targets: judgeTargets({ cases, hashing: hashingSummary, datasets, formatBytes }),
    failures, serverErrors: collectServerErrors(results), durationSeconds: (performance.now() - started) / 1000, planNotes: plan.notes,
    rawResultsPath: relative(repository, rawResultsPath),
    proxyOverhead: overhead === undefined || 'failure' in overhead ? null : overhead,
  };
  await writeFile(rawResultsPath, JSON.stringify({ machine: outcome.machine, quick, runs, datasets: [...datasets.values()].map(({ spec, totalBytes }) => ({ spec, totalBytes })), results, hashing, proxyOverhead: overhead }, null, 2));
  if (quick) process.stdout.write('(quick data: smaller than the datasets the targets are set for)\n\n');
  process.stdout.write(`${resultTables(outcome)}\n`);
  if (explain !== undefined) {
    process.stdout.write(`Explaining a miss with ${explain.earlierResults} earlier results on S3: ${explain.medianMs.toFixed(0)} ms (median), ${explain.requests} requests (budget: ${explainBudget.milliseconds} ms, ${explainBudget.requests} requests)\n\n`);
  }
  if (!whole) process.stdout.write(`(only ${[...options.only].join(', ')}: a part of the run)\n\n`);
  if (!quick && whole) {
    await writeFile(join(repository, 'BENCHMARKS.md'), benchmarksDocument(outcome) + (await keptStudies(join(repository, 'BENCHMARKS.md'))));
    log('wrote BENCHMARKS.md');
  }
  log(`done in ${outcome.durationSeconds.toFixed(0)} s; raw results in ${outcome.rawResultsPath}`);
  return failures.length === 0 ? 0 : 1;
}

// Exiting through process.exit runs the handlers that stop s3rver and the proxy.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

/**
 * Studies measured by hand (why a design was chosen) sit at the end of BENCHMARKS.md after this
 * marker, and a full run keeps them when it writes the file again.
 */
const keptMarker = '<!-- Measured by hand: npm run bench keeps everything from here on when it rewrites this file. -->';

async function keptStudies(path: string): Promise<string> {
  const previous = await readFile(path, 'utf8').catch(() => '');
  const start = previous.indexOf(keptMarker);
  return start === -1 ? '' : `\n${previous.slice(start)}`;
}
