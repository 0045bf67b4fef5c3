// The store part of the bench (`npm run bench -- --only store`): `stoat du` and `stoat prune
// --dry-run` on stores of 10,000 results, against s3rver (through the counting proxy) and a
// directory remote. Prints its table; the figures are kept by hand in BENCHMARKS.md.
import { join } from 'node:path';
import { datasetSpecs, loadDataset } from './datasets.js';
import { measure, type Measurement } from './measure.js';
import { median } from './results.js';
import { startCountingProxy, startS3rver } from './services.js';
import { seedStore, type SeededStore, storeBucket, type StoreKind, type StoreShape } from './storeSeed.js';
import { formatBytes } from './table.js';

export interface StoreBenchOptions {
  stoatCli: string;
  benchDirectory: string;
  quick: boolean;
  runs: number;
  log: (line: string) => void;
}

interface Case {
  name: string;
  args: string[];
  /** Checks the JSON report: a run that answers wrongly is no measurement. */
  check(report: Record<string, unknown>, store: SeededStore): string | undefined;
}

const cases: Case[] = [
  { name: 'du', args: ['du', '--json'], check: (report, store) => (report.results === store.results ? undefined : `du counted ${String(report.results)} results, not ${store.results}`) },
  {
    name: 'prune --dry-run --keep-last 5 --older-than 30d',
    args: ['prune', '--dry-run', '--keep-last', '5', '--older-than', '30d', '--json'],
    check: (report) => (report.dry_run === true && Array.isArray(report.removed) && report.removed.length > 0 ? undefined : 'the dry run chose no result to remove'),
  },
];

interface Row {
  shape: StoreShape;
  kind: StoreKind;
  store: SeededStore;
  name: string;
  runs: Measurement[];
}

function shapes(quick: boolean): StoreShape[] {
  if (quick) return [{ results: 1000, filesPerResult: 20, scopes: 24, days: 180 }];
  return [
    { results: 10_000, filesPerResult: 20, scopes: 24, days: 180 },
    { results: 10_000, filesPerResult: 500, scopes: 24, days: 180 },
  ];
}

export async function runStoreBench(options: StoreBenchOptions): Promise<number> {
  const { log } = options;
  const d2Spec = datasetSpecs(options.quick).find((spec) => spec.name === 'd2')!;
  const d2 = await loadDataset(d2Spec, join(options.benchDirectory, 'datasets', options.quick ? 'quick' : 'full'), log);
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const shape of shapes(options.quick)) {
    for (const kind of ['s3rver', 'directory'] as const) {
      const store = await seedStore(d2.entries, shape, kind, join(options.benchDirectory, 'store'), log);
      rows.push(...(await measureStore(options, shape, kind, store, failures)));
    }
  }
  process.stdout.write(`${storeTable(rows)}\n`);
  for (const failure of failures) log(`failed: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

async function measureStore(options: StoreBenchOptions, shape: StoreShape, kind: StoreKind, store: SeededStore, failures: string[]): Promise<Row[]> {
  const s3rver = kind === 's3rver' ? await startS3rver(store.directory, storeBucket) : undefined;
  const proxy = s3rver === undefined ? undefined : await startCountingProxy(s3rver.port);
  const remote = proxy === undefined ? ['--remote', store.directory] : ['--remote', `s3://${storeBucket}`, '--s3-endpoint', proxy.url];
  const env = { PATH: process.env.PATH ?? '', HOME: options.benchDirectory, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  const rows: Row[] = cases.map((entry) => ({ shape, kind, store, name: entry.name, runs: [] }));
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const [index, entry] of cases.entries()) {
        const measured = await measure(['node', options.stoatCli, ...entry.args, ...remote], {
          cwd: options.benchDirectory,
          env,
          proxy,
          servers: s3rver === undefined ? [] : [s3rver, proxy!],
          rssFile: join(options.benchDirectory, 'store-rss.txt'),
          timeoutMs: 10 * 60_000,
        });
        const problem = measured.exitCode !== 0 ? `exit ${measured.exitCode}: ${measured.stderr.slice(-500)}` : entry.check(JSON.parse(measured.stdout) as Record<string, unknown>, store);
        if (problem !== undefined) failures.push(`${kind} ${entry.name}: ${problem}`);
        rows[index]!.runs.push(measured);
        options.log(`${kind} ${shape.results}x${shape.filesPerResult} ${entry.name}: ${(measured.wallMs / 1000).toFixed(2)} s, ${formatBytes(measured.peakRssBytes ?? 0)}`);
      }
    }
  } finally {
    await proxy?.stop();
    await s3rver?.stop();
  }
  return rows;
}

function storeTable(rows: readonly Row[]): string {
  const header = ['store', 'remote', 'command', 'median s', 'runs s', 'peak RSS MiB', 'stoat CPU s', 'server CPU s', 'requests'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) {
    const last = row.runs[row.runs.length - 1]!;
    const requests = Object.entries(last.traffic.byKind).map(([kind, count]) => `${kind} ${count}`).join(', ');
    const cells = [
      `${row.store.results.toLocaleString('en-US')} results × ${row.shape.filesPerResult} files, ${row.store.objects.toLocaleString('en-US')} objects, manifests ${formatBytes(row.store.manifestBytes)}`,
      row.kind,
      `\`${row.name}\``,
      (median(row.runs.map((run) => run.wallMs)) / 1000).toFixed(2),
      row.runs.map((run) => (run.wallMs / 1000).toFixed(2)).join(', '),
      String(Math.round(Math.max(...row.runs.map((run) => run.peakRssBytes ?? 0)) / 1024 / 1024)),
      median(row.runs.map((run) => run.cpuSeconds ?? 0)).toFixed(2),
      row.kind === 's3rver' ? median(row.runs.map((run) => run.serverCpuSeconds ?? 0)).toFixed(2) : '–',
      requests === '' ? '–' : requests,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
