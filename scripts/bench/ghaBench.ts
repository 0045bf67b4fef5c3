// The gha part of the bench (`npm run bench -- --only gha`): stoat on the GitHub Actions cache against
// the actions/cache method (@actions/cache's own saveCache/restoreCache of the same directory: tar +
// zstd, one entry), both on the tests' fake cache service and Azurite, archives on the Azure host
// name so that downloads take the Azure SDK path GitHub's runners take. D2 and D1: a cold save, a
// restore into an empty directory, a save of what is there, a save after 1% of the files changed;
// with the entries each created, the lookups each made and the archive bytes each uploaded.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startOwnAzurite } from '../../__tests__/helpers/azurite.js';
import { type FakeCacheService, startFakeCacheService } from '../../__tests__/helpers/fakeCacheService.js';
import { type ChangedCopy, type Dataset, datasetSpecs, loadDataset, writeChangedCopy } from './datasets.js';
import { ghaTable, ghaTargets, type GhaRow, type GhaRun } from './ghaResults.js';
import { measure } from './measure.js';
import { checkRestoredTree } from './treeCheck.js';

export interface GhaBenchOptions {
  stoatCli: string;
  benchDirectory: string;
  quick: boolean;
  runs: number;
  log: (line: string) => void;
}

const peerScript = fileURLToPath(new URL('./ghaPeer.mjs', import.meta.url));
const blobHostPreload = pathToFileURL(fileURLToPath(new URL('../../__tests__/helpers/blobHostPreload.mjs', import.meta.url))).href;
export type GhaStep = 'cold-save' | 'restore-empty' | 'save-unchanged' | 'save-changed';

/** What one run of one dataset works with: its own branch scope in the cache, so each run starts cold. */
interface RunPlace {
  dataset: Dataset;
  run: number;
  fake: FakeCacheService;
  environment: NodeJS.ProcessEnv;
  work: string;
  changed: ChangedCopy | undefined;
}

export async function runGhaBench(options: GhaBenchOptions): Promise<number> {
  const { log } = options;
  const root = join(options.benchDirectory, 'gha');
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, 'azurite'), { recursive: true });
  const specs = datasetSpecs(options.quick).filter((spec) => spec.name === 'd1' || spec.name === 'd2').reverse();
  const datasets: Dataset[] = [];
  for (const spec of specs) datasets.push(await loadDataset(spec, join(options.benchDirectory, 'datasets', options.quick ? 'quick' : 'full'), log));
  const azurite = await startOwnAzurite({ location: join(root, 'azurite') });
  const fake = await startFakeCacheService(azurite, { productionHost: true });
  const rows = new Map<string, GhaRow>();
  const failures: string[] = [];
  try {
    for (const dataset of datasets) {
      const changed = dataset.spec.name === 'd1' ? undefined : await writeChangedCopy(dataset, join(root, `changed-${dataset.spec.name}`));
      for (let run = 1; run <= options.runs; run++) {
        const name = `${dataset.spec.name}-${run}`;
        const place = { dataset, run, fake, work: join(root, name), changed, environment: runEnvironment(fake, join(root, `${name}-runner-temp`), branchScope({ dataset, run })) };
        await mkdir(place.work, { recursive: true });
        for (const [step, result] of await measureRun(place, options)) {
          const key = `${dataset.spec.name} ${step.tool} ${step.step}`;
          if (!rows.has(key)) rows.set(key, { dataset: dataset.spec.name, totalBytes: dataset.totalBytes, tool: step.tool, step: step.step, runs: [] });
          rows.get(key)!.runs.push(result);
          if (result.failure !== undefined) failures.push(`${key} run ${run}: ${result.failure}`);
          log(`${key} run ${run}: ${(result.wallMs / 1000).toFixed(2)} s, ${result.entries} entries, ${result.lookups} lookups${result.failure === undefined ? '' : `: ${result.failure}`}`);
        }
        // The archives of a finished run are deleted: a full run would otherwise keep gigabytes.
        for (const entry of [...fake.entries].filter((candidate) => candidate.scope === branchScope(place))) await fake.evict(entry.key);
        await rm(place.work, { recursive: true, force: true });
      }
    }
  } finally {
    await fake.stop();
    await azurite.stop();
    await rm(root, { recursive: true, force: true });
  }
  const table = [...rows.values()];
  process.stdout.write(`${ghaTable(table)}\n\n${ghaTargets(table)}\n`);
  for (const failure of failures) log(`failed: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

function branchScope(place: Pick<RunPlace, 'dataset' | 'run'>): string {
  return `refs/heads/bench-${place.dataset.spec.name}-${place.run}`;
}

/** A job's environment as the runner gives it to an action's process, plus the preload that puts the Azure host on loopback. */
function runEnvironment(fake: FakeCacheService, runnerTemp: string, scope: string): NodeJS.ProcessEnv {
  const token = fake.token([{ scope, write: true }]);
  return { PATH: process.env.PATH ?? '', HOME: runnerTemp, RUNNER_TEMP: runnerTemp, NODE_OPTIONS: `--import ${blobHostPreload}`, ...fake.environment(token) };
}

async function measureRun(place: RunPlace, options: GhaBenchOptions): Promise<[{ tool: GhaRow['tool']; step: GhaStep }, GhaRun][]> {
  const { dataset, work } = place;
  const command = `bench gha ${dataset.spec.name} ${place.run}`;
  const stoat = (subcommand: string, commandText: string, directory: string): string[] => [process.execPath, options.stoatCli, subcommand, '--command', commandText, '--outputs', dataset.output, '--working-directory', directory, '--remote', 'gha', '--json'];
  const peer = (operation: string, key: string): string[] => [process.execPath, peerScript, operation, key, dataset.output];
  const results: [{ tool: GhaRow['tool']; step: GhaStep }, GhaRun][] = [];
  const record = async (tool: GhaRow['tool'], step: GhaStep, argv: string[], cwd: string, check: (output: string) => Promise<string | undefined>): Promise<void> => {
    results.push([{ tool, step }, await measureStep(place, argv, cwd, check)]);
  };
  const restoredStoat = join(work, 'restore-stoat');
  const restoredPeer = join(work, 'restore-peer');
  await mkdir(restoredStoat);
  await mkdir(restoredPeer);
  await record('stoat', 'cold-save', stoat('save', command, dataset.root), dataset.root, stoatStatus('saved'));
  await record('stoat', 'restore-empty', stoat('restore', command, restoredStoat), restoredStoat, async (output) => (await stoatStatus('hit')(output)) ?? treeProblem(dataset, restoredStoat));
  await record('stoat', 'save-unchanged', stoat('save', command, dataset.root), dataset.root, stoatStatus('already-saved'));
  if (place.changed !== undefined) await record('stoat', 'save-changed', stoat('save', `${command} changed`, place.changed.root), place.changed.root, stoatStatus('saved'));
  const key = `peer-${dataset.spec.name}-${place.run}`;
  await record('actions/cache', 'cold-save', peer('save', key), dataset.root, peerValue((value) => typeof value === 'number' && value > 0));
  await record('actions/cache', 'restore-empty', peer('restore', key), restoredPeer, async (output) => (await peerValue((value) => value === key)(output)) ?? treeProblem(dataset, restoredPeer));
  if (place.changed !== undefined) await record('actions/cache', 'save-changed', peer('save', `${key}-changed`), place.changed.root, peerValue((value) => typeof value === 'number' && value > 0));
  return results;
}

/** Runs one step and counts what the cache service saw meanwhile. */
async function measureStep(place: RunPlace, argv: string[], cwd: string, check: (output: string) => Promise<string | undefined>): Promise<GhaRun> {
  const { fake } = place;
  const entriesBefore = fake.entries.length;
  const before = { ...fake.calls };
  const measured = await measure(argv, { cwd, env: { ...place.environment, GITHUB_WORKSPACE: cwd }, rssFile: join(place.work, 'rss.txt'), timeoutMs: 30 * 60_000 });
  const created = fake.entries.slice(entriesBefore).filter((entry) => entry.finalized);
  const failure = measured.exitCode !== 0 ? `exit ${measured.exitCode}: ${measured.stderr.slice(-400)}` : await check(measured.stdout);
  const peer = /^peer-result (.*)$/m.exec(measured.stdout);
  return {
    wallMs: measured.wallMs,
    callMs: peer === null ? undefined : (JSON.parse(peer[1]!) as { callMs: number }).callMs,
    peakRssBytes: measured.peakRssBytes,
    entries: created.length,
    lookups: fake.calls.GetCacheEntryDownloadURL - before.GetCacheEntryDownloadURL,
    reservations: fake.calls.CreateCacheEntry - before.CreateCacheEntry,
    uploadedBytes: created.reduce((sum, entry) => sum + entry.size, 0),
    failure,
  };
}

function stoatStatus(expected: string): (output: string) => Promise<string | undefined> {
  return async (output) => {
    const report = JSON.parse(output) as { status: string; outputs: { status: string }[]; save: string; reason: string };
    const status = expected === 'hit' ? report.status : report.outputs[0]?.status;
    return status === expected ? undefined : `stoat said ${status} where ${expected} was due (${report.reason}; ${report.save})`;
  };
}

function peerValue(expected: (value: unknown) => boolean): (output: string) => Promise<string | undefined> {
  return async (output) => {
    const match = /^peer-result (.*)$/m.exec(output);
    const value = match === null ? undefined : (JSON.parse(match[1]!) as { value: unknown }).value;
    return expected(value) ? undefined : `@actions/cache answered ${JSON.stringify(value)}: ${output.split('\n').filter((line) => /warning|error|Failed/.test(line)).join(' ').slice(0, 400)}`;
  };
}

async function treeProblem(dataset: Dataset, restoredRoot: string): Promise<string | undefined> {
  const problems = await checkRestoredTree(dataset, restoredRoot);
  return problems.length === 0 ? undefined : `restored tree differs: ${problems.join('; ')}`;
}
