import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type StepReport } from '../../src/core/stepReport.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { type ActionRun, runAction, type RunnerJob } from './actionRunner.js';

/*
 * What a reviewer sees when a workflow changes one thing: the built action, run as the runner runs
 * it, names that change and nothing else, in the summary, the JSON report and the annotations.
 */

let root: string;
let jobs = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-explained');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function newJob(): Promise<RunnerJob> {
  const name = `job-${++jobs}`;
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n' });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
}

const script = 'mkdir -p model\ncat train.py data/*.txt > model/weights.bin # --epochs 10';
const inputs = { run: script, deps: 'train.py\ndata/', outputs: 'model/', env: 'SEED', remote: '' };

async function reportOf(run: ActionRun): Promise<StepReport> {
  return JSON.parse(await readFile(run.outputs.report!, 'utf8')) as StepReport;
}

/** The summary's lines between the heading and the outputs table: the verdict and why. */
function verdict(run: ActionRun): string {
  return run.summary.slice(0, run.summary.indexOf('| output |'));
}

describe('a workflow that changes one thing', () => {
  const remote = () => join(root, 'remote');
  const run = async (change: (job: RunnerJob) => Promise<void>, overrides: Record<string, string> = {}, seed = 'one'): Promise<ActionRun> => {
    const job = await newJob();
    await change(job);
    const result = await runAction(job, 'action.yml', 'main', { ...inputs, remote: remote(), ...overrides }, {}, { SEED: seed });
    assert.equal(result.exitCode, 0, result.stdout);
    return result;
  };

  test('the first run says it is the first', async () => {
    const first = await run(async () => undefined);
    assert.match(first.summary.split('\n')[0]!, /^### ▶️ stoat: mkdir -p model — ran in [\d.]+ m?s: first run of this step: nothing saved for &#96;model&#96; yet \(in scopes trusted\)$/);
    assert.equal((await reportOf(first)).explanation?.kind, 'first-run');
  });

  test('one dep file changed: named in the summary, the report and a warning annotation, and nothing else', async () => {
    const changed = await run((job) => writeFile(join(job.workspace, 'data/b.txt'), 'beta, changed\n'));
    const report = await reportOf(changed);
    assert.equal(report.explanation?.reason, 'dep `data/b.txt` changed');
    assert.match(changed.summary.split('\n')[0]!, /: dep &#96;data\/b\.txt&#96; changed$/);
    const why = verdict(changed);
    assert.match(why, /\*\*Why it ran:\*\*\n\n- dep `data\/b\.txt` changed: `[0-9a-f]{12}` → `[0-9a-f]{12}`\n- compared with the nearest earlier result: \[`0123456`\]\(https:\/\/github\.com\/octo\/pipeline\/commit\/0123456789abcdef0123456789abcdef01234567\) · \[run 42\]\(https:\/\/github\.com\/octo\/pipeline\/actions\/runs\/42\/attempts\/1\) · just now · scope `trusted`\n/);
    assert.equal(why.split('\n').filter((line) => line.startsWith('- ')).length, 2, why);
    assert.match(changed.stdout, /^::warning::1 input has changed since the last saved result used them: data\/b\.txt/m);
    assert.match(changed.summary, /<summary>Input-hash report: 3 files, [^<]* · 1 changed since last use<\/summary>\n\n\| path \| since last use \|[^\n]*\n[^\n]*\n\| `data\/b\.txt` \| \*\*changed\*\* \|/);
  });

  const changeB = (job: RunnerJob): Promise<void> => writeFile(join(job.workspace, 'data/b.txt'), 'beta, changed\n');

  test('one env value changed: the name is given, the value is not', async () => {
    const changed = await run(changeB, {}, 'two');
    const report = await reportOf(changed);
    assert.equal(report.explanation?.reason, 'env SEED changed');
    assert.match(verdict(changed), /\*\*Why it ran:\*\*\n\n- env `SEED` changed value\n- compared with/);
    assert.ok(report.inputs.every((input) => input.since_last_use === undefined));
    assert.doesNotMatch(changed.summary + JSON.stringify(report) + changed.stdout, /\btwo\b/);
  });

  test('one line of the command changed: the line and the words that changed', async () => {
    const changed = await run(changeB, { run: script.replace('10', '20') }, 'two');
    const report = await reportOf(changed);
    assert.equal(report.explanation?.reason, 'line 2 of the command changed');
    assert.match(verdict(changed), /\*\*Why it ran:\*\*\n\n- command line 2: <code>--epochs 10<\/code> → <code>--epochs 20<\/code>\n- compared with/);
  });
});

describe('a job with two stoat steps', () => {
  test('each step has its section; the last post step writes the table of both at its top', async () => {
    const job = await newJob();
    const remote = join(root, 'two-steps-remote');
    const train = await runAction(job, 'action.yml', 'main', { ...inputs, remote }, {}, { SEED: 'one' });
    const evaluate = await runAction(job, 'action.yml', 'main', { command: 'python evaluate.py', deps: 'model/', outputs: 'metrics.json', remote }, {}, {});
    assert.equal(evaluate.outputs.status, 'miss');
    assert.match(evaluate.summary.split('\n')[0]!, /^### 🔍 stoat: python evaluate\.py — missed, the workflow runs the command: first run/);
    await writeFile(join(job.workspace, 'metrics.json'), '{}\n');
    // Post steps run in reverse: the second step's first, then the first step's, which is the job's last.
    const evaluatePost = await runAction(job, 'action.yml', 'post', { command: 'python evaluate.py', deps: 'model/', outputs: 'metrics.json', remote }, evaluate.state);
    assert.equal(evaluatePost.exitCode, 0, evaluatePost.stdout);
    assert.match(evaluatePost.summary.split('\n')[0]!, /^### 💾 stoat: python evaluate\.py \(save\) — saved 1 output \(3 B, 3 B sent\) in [\d.]+ m?s$/);
    assert.doesNotMatch(evaluatePost.summary, /Input-hash report|Nothing was restored|steps, /);
    const trainPost = await runAction(job, 'action.yml', 'post', { ...inputs, remote }, train.state);
    assert.equal(trainPost.exitCode, 0, trainPost.stdout);
    const lines = trainPost.summary.split('\n');
    assert.equal(lines[0], '### stoat: 2 steps — 1 ran, 1 saved after a miss');
    assert.match(lines[4]!, /^\| <code>mkdir -p model<\/code> \| ▶️ ran \| [^|]+ \| — \|$/);
    assert.match(lines[5]!, /^\| <code>python evaluate\.py<\/code> \| 💾 saved after a miss \| [^|]+ \| — \|$/);
  });
});
