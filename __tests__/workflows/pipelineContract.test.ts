import assert from 'node:assert/strict';
import { chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { s3rverCredentials, type S3Server } from '../helpers/s3Server.js';
import { copyBuiltCli } from '../helpers/stoatChild.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { pipelineWorkflow, runWorkflowStep, type Step, type StepRun } from './pipelineWorkflow.js';

/*
 * The reusable workflow's contract, played without GitHub: the plan job's commands on a checkout of
 * the example, the matrix expanded by the YAML's own script, every leg a separate process in its own
 * fresh copy of the project (as separate runners have), all against one s3rver, then the report job's
 * command on the merged artifacts. The scripts are read from .github/workflows/pipeline.yml.
 */

const workflow = pipelineWorkflow;
const waveJobs = Object.keys(workflow.jobs).filter((name) => /^wave-\d+$/u.test(name)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
const planStep = workflow.jobs.plan!.steps.find((step) => step.run?.includes('stoat plan'))!;
const matrixStep = workflow.jobs.plan!.steps.find((step) => step.id === 'matrix')!;
const legStep = (wave: string): Step => workflow.jobs[wave]!.steps.find((step) => step.run?.includes('stoat run'))!;
const reportStep = workflow.jobs.report!.steps.find((step) => step.id === 'report')!;

interface LegStep { name: string; status: string; reason: string; job_url?: string }

let root: string;
let stoatBin: string;
let server: S3Server;
let inspector: S3Client;
let runs = 0;

useS3Server((started, client) => {
  server = started;
  inspector = client;
});

beforeAll(async () => {
  root = await makeTemporaryDirectory('pipeline-contract');
  const cli = await copyBuiltCli(root);
  stoatBin = join(root, 'bin');
  await mkdir(stoatBin, { recursive: true });
  await writeFile(join(stoatBin, 'stoat'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`);
  await chmod(join(stoatBin, 'stoat'), 0o755);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A runner: its own checkout of the example and its own RUNNER_TEMP. */
async function newRunner(change?: (checkout: string) => Promise<void>): Promise<{ checkout: string; temp: string }> {
  const base = join(root, `runner-${++runs}`);
  const checkout = join(base, 'checkout');
  await cp('examples/tiny-pipeline', checkout, { recursive: true, filter: (source) => !/[/\\](\.stoat|data|features|model|metrics)$/u.test(source) });
  await change?.(checkout);
  const temp = join(base, 'temp');
  await mkdir(temp, { recursive: true });
  return { checkout, temp };
}

/** A step of the workflow run by bash on a runner of the test, with stoat and s3rver's credentials. */
function runStep(step: Step, cwd: string, environment: Record<string, string>): Promise<StepRun> {
  const outputFile = join(environment.RUNNER_TEMP!, `output-${Math.random().toString(36).slice(2)}`);
  return runWorkflowStep(step, cwd, stoatBin, outputFile, { HOME: join(root, 'home'), XDG_CACHE_HOME: join(root, 'xdg'), ...s3rverCredentials, ...environment });
}

/** What the workflow's env block gives every job, from its inputs. */
function pipelineEnvironment(prefix: string): Record<string, string> {
  return { PIPELINE_PROJECT: 'project.yml', PIPELINE_WORKFLOW: 'all', PIPELINE_REMOTE: `s3://${server.bucket}/${prefix}`, PIPELINE_SCOPE: '', PIPELINE_S3_ENDPOINT: server.endpoint, PIPELINE_S3_REGION: '' };
}

interface Pass {
  waves: string[][];
  hits: string[];
  legs: LegStep[][];
  report: { outputs: Map<string, string>; exitCode: number; summary: string };
}

/** One whole run of the workflow: plan, every wave's legs, report. `change` edits each runner's checkout. */
async function playWorkflow(prefix: string, change?: (checkout: string) => Promise<void>): Promise<Pass> {
  const environment = pipelineEnvironment(prefix);
  const merged = join(root, `artifacts-${++runs}`);
  const planner = await newRunner(change);
  const planned = await runStep(planStep, planner.checkout, { ...environment, RUNNER_TEMP: planner.temp });
  assert.equal(planned.exitCode, 0, 'the plan job plans');
  const matrix = await runStep(matrixStep, planner.checkout, { RUNNER_TEMP: planner.temp, PLAN_FILE: join(planner.temp, 'stoat-reports', 'plan.json') });
  await cp(join(planner.temp, 'stoat-reports'), merged, { recursive: true });
  const waves: string[][] = [];
  const legs: LegStep[][] = [];
  for (const wave of waveJobs) {
    const legNames = JSON.parse(matrix.outputs.get(wave)!) as string[];
    waves.push(legNames);
    // A wave's legs run at once on their own runners.
    await Promise.all(legNames.map(async (leg, index) => {
      const runner = await newRunner(change);
      const report = join(runner.temp, 'stoat-reports', 'steps', `${wave}-${index}.json`);
      await runStep(legStep(wave), runner.checkout, { ...environment, RUNNER_TEMP: runner.temp, LEG: leg, REPORT: report, JOB_URL: `https://github.com/octo/repo/actions/runs/7/job/${wave.slice(5)}${index}` });
      legs.push((JSON.parse(await readFile(report, 'utf8')) as { steps: LegStep[] }).steps);
      await cp(join(runner.temp, 'stoat-reports'), merged, { recursive: true });
    }));
  }
  const reporter = await newRunner();
  const summaryFile = join(reporter.temp, 'job-summary.md');
  await writeFile(summaryFile, '');
  const report = await runStep(reportStep, reporter.checkout, { RUNNER_TEMP: reporter.temp, REPORTS: merged, GITHUB_STEP_SUMMARY: summaryFile });
  return { waves, hits: JSON.parse(matrix.outputs.get('hits')!) as string[], legs, report: { ...report, summary: await readFile(summaryFile, 'utf8') } };
}

const steps = ['prepare', 'features-sum', 'features-product', 'train', 'evaluate'];

describe('the reusable workflow, played here', () => {
  test('every step runs exactly once across the legs, downstream legs restore their upstream, a second pass plans nothing', async () => {
    const first = await playWorkflow('contract');
    assert.deepEqual(first.waves.filter((wave) => wave.length > 0), [['prepare'], ['features-sum', 'features-product'], ['train'], ['evaluate']]);
    const ranIn = steps.map((name) => first.legs.filter((leg) => leg.some((step) => step.name === name && step.status === 'ran')).length);
    assert.deepEqual(ranIn, [1, 1, 1, 1, 1], 'each step ran in exactly one leg');
    const upstreamOfEvaluate = first.legs.find((leg) => leg.some((step) => step.name === 'evaluate' && step.status === 'ran'))!;
    for (const name of ['prepare', 'features-sum', 'features-product', 'train']) {
      assert.equal(upstreamOfEvaluate.find((step) => step.name === name)?.status, 'restored', `the evaluate leg restored ${name}, never ran it`);
    }
    assert.equal(first.report.exitCode, 0, first.report.summary);
    assert.equal(first.report.outputs.get('hit'), 'false');
    assert.deepEqual(JSON.parse(first.report.outputs.get('ran')!), steps);
    assert.match(first.report.summary, /### stoat pipeline: 5 steps — 5 ran/u);
    assert.match(first.report.summary, /\[`train`\]\(https:\/\/github\.com\/octo\/repo\/actions\/runs\/7\/job\/30\)/u, 'a link to the job that ran the step');
    assert.match(first.report.summary, /```mermaid/u);

    const second = await playWorkflow('contract');
    assert.deepEqual(second.waves.flat(), [], 'the second pass plans no leg');
    assert.deepEqual(second.hits, steps);
    assert.equal(second.report.exitCode, 0);
    assert.equal(second.report.outputs.get('hit'), 'true');
    assert.deepEqual(JSON.parse(second.report.outputs.get('ran')!), []);
  });

  test('a failing leg: the report names it and the steps it blocked, says so in its outputs, fails, and the store holds nothing of it', async () => {
    const breakTrain = async (checkout: string): Promise<void> => {
      await writeFile(join(checkout, 'scripts', 'train.mjs'), "console.error('training diverged'); process.exit(4);\n");
    };
    const pass = await playWorkflow('failing', breakTrain);
    assert.notEqual(pass.report.exitCode, 0, 'the report job fails');
    assert.equal(pass.report.outputs.get('hit'), 'false');
    assert.deepEqual(JSON.parse(pass.report.outputs.get('ran')!), ['prepare', 'features-sum', 'features-product']);
    assert.match(pass.report.summary, /\| \[`train`\]\([^)]*\) \| ❌ failed \|/u);
    // Its wave still runs (a wave waits for the one before, failed or not): its leg finds no saved train, and does not run.
    assert.match(pass.report.summary, /\| \[?`evaluate`(?:\]\([^)]*\))? \| ⛔ not run \|[^\n]*train/u);
    const listed = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: 'failing/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key!);
    assert.ok(keys.some((key) => key.includes(encodeURIComponent('features/sum'))), 'the steps before it were saved');
    assert.ok(!keys.some((key) => key.includes(encodeURIComponent('model/model.json')) || key.includes(encodeURIComponent('metrics/metrics.json'))), `nothing of train or evaluate is in the store: ${keys.join(' ')}`);
  });
});
