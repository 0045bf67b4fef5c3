import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { copyBuiltCli, runCli } from '../helpers/stoatChild.js';
import { useActionsCache } from '../helpers/useActionsCache.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { runAction, type RunnerJob } from './actionRunner.js';

const loadedModules = fileURLToPath(new URL('../helpers/loadedModules.mjs', import.meta.url));
let root: string;
let cli: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-gha');
  cli = await copyBuiltCli(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function newJob(name: string): Promise<RunnerJob> {
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n' });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, toolCache: join(root, name, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
}

const script = ['echo "training now"', 'mkdir -p model', 'cat train.py data/a.txt > model/weights.bin', 'head -c 300000 /dev/urandom > model/optimizer.bin'].join('\n');
const inputs = { run: `${script}\n`, deps: 'train.py\ndata/\n', outputs: 'model/\n' };

describe('the Action with no remote, where the job can reach the GitHub Actions cache', () => {
  const cache = useActionsCache();
  /** What the runner gives a node action's process: the cache's variables. */
  const runnerVariables = (): Record<string, string> => cache.fake().environment('runtime-token');

  test('uses gha, says so in the summary, misses then hits in a new job, and writes no workflow command of its own', async () => {
    const first = await newJob('first');
    const miss = await runAction(first, 'action.yml', 'main', inputs, {}, runnerVariables());
    assert.equal(miss.exitCode, 0, miss.stdout + miss.stderr);
    assert.equal(miss.outputs.status, 'miss');
    assert.match(miss.stdout, /training now/);
    assert.match(miss.summary, /gha \(the default: the input "remote" is not set, and this job can reach the GitHub Actions cache\)/);
    const report = JSON.parse(await readFile(miss.outputs.report!, 'utf8'));
    assert.equal(report.outputs[0].status, 'saved');
    assert.match(report.outputs[0].manifest, /^gha:stoat\/v1\/outputs\/[0-9a-f]{64}\/[0-9a-f]{64}\/trusted\/[0-9a-f]{64}$/);
    assert.ok(cache.fake().entries.some((entry) => entry.key.includes('/packs/')), 'the results went into the cache');
    // @actions/cache's own workflow commands (::debug::, ::add-mask::) stay in its processes.
    assert.doesNotMatch(miss.stdout, /^::(debug|add-mask)::/m);
    const produced = await describeTree(join(first.workspace, 'model'));

    const second = await newJob('second');
    const hit = await runAction(second, 'action.yml', 'main', inputs, {}, runnerVariables());
    assert.equal(hit.exitCode, 0, hit.stdout + hit.stderr);
    assert.equal(hit.outputs.hit, 'true');
    assert.doesNotMatch(hit.stdout, /training now/);
    assert.deepEqual(await describeTree(join(second.workspace, 'model')), produced);
  });

  test('export-runtime passes the variables on to later steps', async () => {
    const job = await newJob('export');
    const environmentFile = join(job.runnerTemp, 'github-env');
    await writeFile(environmentFile, '');
    const run = await runAction(job, 'action.yml', 'main', { ...inputs, 'export-runtime': 'true' }, {}, { ...runnerVariables(), GITHUB_ENV: environmentFile });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const exported = await readFile(environmentFile, 'utf8');
    for (const name of ['ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_SERVICE_V2']) assert.match(exported, new RegExp(`^${name}<<`, 'm'));
    assert.match(exported, /^runtime-token$/m);
  });

  test('the CLI in a run: step uses gha with the exported variables, and prints no workflow command', async () => {
    const project = join(root, 'cli-project');
    await writeFiles(project, { 'in.txt': 'input\n' });
    const environment = { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), ...runnerVariables() };
    const args = ['exec', '--deps', 'in.txt', '--outputs', 'out', '--json', '--', 'mkdir -p out && head -c 100000 /dev/urandom > out/a.bin'];
    const miss = await runCli(cli, project, args, environment);
    assert.equal(miss.exitCode, 0, miss.stderr);
    assert.equal(miss.report?.remote, 'gha', 'with the variables set, the default remote is gha');
    assert.equal(miss.report?.outputs[0]?.status, 'saved');
    await rm(join(project, 'out'), { recursive: true });
    const hit = await runCli(cli, project, [...args.slice(0, 1), '--remote', 'gha', ...args.slice(1)], environment);
    assert.equal(hit.report?.status, 'hit', hit.stderr);
    for (const output of [miss.stdout, miss.stderr, hit.stdout, hit.stderr]) assert.doesNotMatch(output, /^::/m);
  });
});

describe('stoat du and stoat prune on the GitHub Actions cache', () => {
  const cache = useActionsCache();

  test('say the cache evicts by itself, show the newest result of an output and what of it is gone, and remove nothing', async () => {
    const project = join(root, 'du-project');
    await writeFiles(project, { 'in.txt': 'input\n' });
    const environment = { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), ...cache.fake().environment('runtime-token') };
    const saved = await runCli(cli, project, ['exec', '--remote', 'gha', '--deps', 'in.txt', '--outputs', 'out', '--', 'mkdir -p out && head -c 100000 /dev/urandom > out/a.bin && echo b > out/b.txt'], environment);
    assert.equal(saved.exitCode, 0, saved.stderr);

    const du = await runCli(cli, project, ['du', '--remote', 'gha', '--output', 'out/', '--output', 'elsewhere'], environment);
    assert.equal(du.exitCode, 0, du.stderr);
    assert.match(du.stdout, /^gha cannot list what it holds, so stoat can neither measure nor prune it\. A store without listing evicts entries by itself: .*7 days/m);
    assert.match(du.stdout, /^out: the newest result this job can read was saved \d{4}-\d\d-\d\d \d\d:\d\dZ in scope local \(key [0-9a-f]{12}, tree [0-9a-f]{12}\): 2 files, 97\.7 KiB; the cache holds all it needs \(1 object\)$/m);
    assert.match(du.stdout, /^elsewhere: no result that this job can read$/m);
    const bare = await runCli(cli, project, ['du', '--remote', 'gha'], environment);
    assert.match(bare.stdout, /give --output PATH \(repeatable\) to see the newest result of an output/);

    const entries = cache.fake().entries.length;
    const pruned = await runCli(cli, project, ['prune', '--remote', 'gha', '--keep-last', '1', '--older-than', '0s', '--output', 'out', '--json'], environment);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    const report = JSON.parse(pruned.stdout);
    assert.deepEqual([report.listed, report.outputs[0].output, report.outputs[0].newest.files, report.outputs[0].newest.missing], [false, 'out', 2, []]);
    assert.match(report.note, /evicts entries by itself/);
    assert.equal(cache.fake().entries.length, entries, 'nothing was removed');

    await cache.fake().evict(cache.fake().entries.find((entry) => entry.key.includes('/packs/'))!.key);
    const evicted = await runCli(cli, project, ['prune', '--remote', 'gha', '--output', 'out'], environment);
    assert.equal(evicted.exitCode, 0, evicted.stderr);
    assert.match(evicted.stdout, /^nothing removed: gha cannot list what it holds/m);
    assert.match(evicted.stdout, /^out: .*; 1 of its 1 object is gone \(evicted\), so restoring it is a miss until a save writes it again$/m);
    assert.match(evicted.stdout, /^ {2}gone: gha:stoat\/v1\/packs\/[0-9a-f]{64}$/m);
    for (const output of [du.stdout, du.stderr, pruned.stderr, evicted.stdout, evicted.stderr]) assert.doesNotMatch(output, /^::/m);
  });

  test('du --output on a store that lists is refused: it shows every output', async () => {
    const outcome = await runCli(cli, root, ['du', '--remote', join(root, 'listed-store'), '--output', 'out'], { PATH: process.env.PATH ?? '', HOME: join(root, 'home') });
    assert.equal(outcome.exitCode, 2, outcome.stderr);
    assert.match(outcome.stderr, /--output is for a store that cannot list what it holds \(gha\)/);
  });
});

describe('the Action with no remote, where the job cannot reach the GitHub Actions cache', () => {
  test('keeps results on the runner disk, and says why and that they will not outlive a hosted runner', async () => {
    const job = await newJob('disk');
    const run = await runAction(job, 'action.yml', 'main', inputs);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(run.summary.replaceAll('&#95;', '_'), /stoat \(the default: the input "remote" is not set, and this job cannot reach the GitHub Actions cache \(ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set\), so results are kept on this runner's disk; results kept there outlive this job only where the runner keeps its disk, which a GitHub-hosted runner does not/);
    assert.match(run.stdout, /^::warning::no remote is given and this job cannot reach the GitHub Actions cache .*a GitHub-hosted runner does not/m);
    const again = await runAction(await newJob('disk-again'), 'action.yml', 'main', inputs, {}, { RUNNER_TOOL_CACHE: job.toolCache });
    assert.doesNotMatch(again.stdout, /^::warning::no remote is given/m, 'the warning comes with the first run only');
  });

  test('a run on another remote never loads the GitHub Actions cache backend or @actions/cache', async () => {
    const project = join(root, 'no-gha');
    await writeFiles(project, { 'in.txt': 'input\n' });
    const loaded = join(root, 'loaded-modules.txt');
    const environment = { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), NODE_OPTIONS: `--import ${pathToFileURL(loadedModules).href}`, STOAT_TEST_LOADED_MODULES: loaded };
    const outcome = await runCli(cli, project, ['exec', '--remote', join(root, 'directory-store'), '--deps', 'in.txt', '--outputs', 'out', '--', 'mkdir -p out && echo x > out/x'], environment);
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    const files = (await readFile(loaded, 'utf8')).split('\n').filter((url) => url.includes('/built/stoat/'));
    assert.ok(files.length > 1, files.join('\n'));
    for (const file of files) {
      const code = await readFile(fileURLToPath(file), 'utf8');
      assert.ok(!code.includes('class GhaRemote') && !code.includes('restoreCache'), `${file} holds the GitHub Actions cache backend`);
    }
  });

  test('the CLI refuses --remote gha outside a job, naming what is missing', async () => {
    const outcome = await runCli(cli, root, ['exec', '--remote', 'gha', '--outputs', 'out', '--', 'true'], { PATH: process.env.PATH ?? '', HOME: join(root, 'home') });
    assert.equal(outcome.exitCode, 2);
    assert.match(outcome.stderr, /remote "gha": the GitHub Actions cache can be reached only from a job on GitHub Actions, and here ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set/);
    assert.doesNotMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
  });
});
