import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { type ActionRun, runAction, type RunnerJob } from './actionRunner.js';

/*
 * The action's pipeline mode, run as the runner runs the built bundle: a Weasel-format project of
 * three steps, first run on a fresh checkout, then a second clean checkout against the same store,
 * then the same workspace again.
 */

const projectFile = `title: tiny
vars:
  greeting: hello
commands:
  - name: prepare
    help: Make the corpus
    script:
      - "node scripts/write.js corpus/lines.txt data/raw.txt \${vars.greeting}"
    deps: [data/raw.txt, scripts/write.js]
    outputs: [corpus]
  - name: features
    script:
      - "node scripts/write.js features/f.txt corpus/lines.txt features"
    deps: [corpus, scripts/write.js]
    outputs: [features]
  - name: train
    script:
      - "node scripts/write.js model/weights.txt features/f.txt trained"
    deps: [features, scripts/write.js]
    outputs: [model]
workflows:
  all: [prepare, features, train]
`;

// Writes its first argument from the others: the file named second (its content) and a word.
const writer = `const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const [target, source, word] = process.argv.slice(2);
if (word === 'fail') { console.error('failing on purpose'); process.exit(3); }
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, readFileSync(source, 'utf8') + word + '\\n');
console.log('wrote ' + target);
`;

let root: string;
let jobs = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-pipeline-action');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function checkout(files: Record<string, string> = {}): Promise<RunnerJob> {
  const name = `job-${++jobs}`;
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'pipeline/project.yml': projectFile, 'pipeline/scripts/write.js': writer, 'pipeline/data/raw.txt': 'raw\n', ...files });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
}

const store = (): string => join(root, 'store');
const runPipeline = (job: RunnerJob, inputs: Record<string, string> = {}): Promise<ActionRun> => runAction(job, 'action.yml', 'main', { project: 'pipeline', workflow: 'all', remote: store(), ...inputs });

interface ReportedStep {
  name: string;
  status: string;
  reason: string;
}

async function stepsOf(run: ActionRun): Promise<ReportedStep[]> {
  return ((JSON.parse(await readFile(run.outputs.report!, 'utf8')) as { steps: ReportedStep[] }).steps);
}

describe('the action runs a project file as a pipeline', () => {
  test('the first run runs every step, saves them, and sums it up in one summary with a graph', async () => {
    const job = await checkout();
    const run = await runPipeline(job);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual((await stepsOf(run)).map((step) => `${step.name}:${step.status}`), ['prepare:ran', 'features:ran', 'train:ran']);
    assert.equal(run.outputs.hit, 'false');
    assert.deepEqual(JSON.parse(run.outputs.ran!), ['prepare', 'features', 'train']);
    assert.equal(await readFile(join(job.workspace, 'pipeline/model/weights.txt'), 'utf8'), 'raw\nhello\nfeatures\ntrained\n');
    assert.match(run.stdout, /prepare \| wrote corpus\/lines\.txt/u, 'each line of a step is prefixed with its name');
    assert.match(run.summary, /^### stoat pipeline: 3 steps — 3 ran/mu);
    assert.match(run.summary, /```mermaid\nflowchart LR\n/u);
    assert.match(run.summary, /step0 --> step1\n {2}step1 --> step2/u);
    assert.match(run.summary, /\| `train` \| 🔨 ran \|/u);
    const sections = [...run.summary.matchAll(/<details><summary>🔨 (\w+)<\/summary>\n\n([\s\S]*?)\n\n<\/details>/gu)];
    assert.deepEqual(sections.map((section) => section[1]), ['prepare', 'features', 'train'], 'each step\'s own section, collapsed');
    assert.match(sections[2]![2]!, /\| output \|[\s\S]*model/u, 'a step\'s section shows its outputs as a single step\'s summary does');
  });

  test('a clean checkout against the same store restores every step and runs none', async () => {
    const job = await checkout();
    const run = await runPipeline(job);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const steps = await stepsOf(run);
    assert.deepEqual(steps.map((step) => step.status), ['restored', 'restored', 'restored']);
    assert.equal(run.outputs.hit, 'true');
    assert.deepEqual(JSON.parse(run.outputs.ran!), []);
    assert.equal(await readFile(join(job.workspace, 'pipeline/model/weights.txt'), 'utf8'), 'raw\nhello\nfeatures\ntrained\n');
    assert.match(run.summary, /3 steps — nothing ran/u);

    const again = await runPipeline(job, { remote: join(root, 'no-such-store') });
    assert.equal(again.exitCode, 0, again.stdout + again.stderr);
    assert.deepEqual((await stepsOf(again)).map((step) => step.status), ['skipped', 'skipped', 'skipped'], 'current outputs are skipped without the remote');
  });

  test('an edited input re-runs its step and the ones after it, and says why', async () => {
    const job = await checkout({ 'pipeline/data/raw.txt': 'raw, edited\n' });
    const run = await runPipeline(job);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const steps = await stepsOf(run);
    assert.deepEqual(steps.map((step) => step.status), ['ran', 'ran', 'ran']);
    assert.match(steps[0]!.reason, /data\/raw\.txt/u, 'the reason names the changed file');
  });

  test('a failing step fails the action, names the step, and stops the steps after it', async () => {
    const failing = projectFile.replace('features/f.txt corpus/lines.txt features', 'features/f.txt corpus/lines.txt fail');
    const job = await checkout({ 'pipeline/project.yml': failing });
    const run = await runPipeline(job);
    assert.notEqual(run.exitCode, 0);
    assert.deepEqual((await stepsOf(run)).map((step) => step.status), ['restored', 'failed', 'not-run']);
    assert.match(run.stdout, /::error::features failed/u);
    assert.match(run.summary, /\| `features` \| ❌ failed \|/u);
    assert.match(run.summary, /\| `train` \| ⛔ not run \|/u);
  });

  test('a bad project file is a clear error, and nothing is written to the workspace or the store', async () => {
    const duplicate = projectFile.replace('workflows:', '  - name: prepare\n    script: ["true"]\nworkflows:');
    const job = await checkout({ 'pipeline/project.yml': duplicate });
    const badStore = join(root, 'bad-store');
    await mkdir(badStore, { recursive: true });
    const workspaceBefore = await describeTree(job.workspace);
    const run = await runPipeline(job, { remote: badStore });
    assert.notEqual(run.exitCode, 0);
    assert.match(run.stdout, /::error::.*project\.yml.*prepare/u);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /u, 'no stack trace');
    assert.deepEqual(await describeTree(job.workspace), workspaceBefore);
    assert.deepEqual(await describeTree(badStore), {});
  });

  test('a project with single-step inputs beside it is refused, naming them', async () => {
    const job = await checkout();
    const run = await runPipeline(job, { run: 'true', outputs: 'o' });
    assert.notEqual(run.exitCode, 0);
    assert.match(run.stdout, /::error::the input "project" runs a pipeline.*remove "run", "outputs"/u);
  });

  test('the post step of a pipeline has nothing to save, and succeeds', async () => {
    const job = await checkout();
    const main = await runPipeline(job);
    const post = await runAction(job, 'action.yml', 'post', { project: 'pipeline', workflow: 'all', remote: store() }, main.state);
    assert.equal(post.exitCode, 0, post.stdout + post.stderr);
    assert.doesNotMatch(post.stdout, /::error::/u);
  });
});
