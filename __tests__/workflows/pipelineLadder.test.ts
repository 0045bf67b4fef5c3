import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { type Job, pipelineWorkflow, runWorkflowStep, type Step } from './pipelineWorkflow.js';

/* The reusable workflow's ladder of wave jobs, read from the parsed YAML, and its two scripts run for real. */

const workflow = pipelineWorkflow;
const waveNames = Object.keys(workflow.jobs).filter((name) => /^wave-\d+$/.test(name));
const depth = waveNames.length;
const matrixStep = workflow.jobs.plan!.steps.find((step) => step.id === 'matrix')!;

function uploadStep(job: Job): Step {
  return job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))!;
}

/** An artifact name or pattern as it is in a run: the default prefix, a leg's index. */
function expanded(text: unknown): string {
  return String(text).replace('${{ inputs.artifact-prefix }}', 'stoat').replace('${{ strategy.job-index }}', '17');
}

/** What the report job downloads: download-artifact's `pattern` (a glob) as a regular expression. */
const downloaded = (() => {
  const download = workflow.jobs.report!.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))!;
  expect(download.with!['merge-multiple']).toBe(true);
  const glob = expanded(download.with!.pattern);
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
})();

describe('the ladder of wave jobs', () => {
  test('is a run of waves 1..N, N as the matrix script is told', () => {
    expect(depth).toBeGreaterThanOrEqual(4);
    expect(waveNames).toEqual(Array.from({ length: depth }, (_, index) => `wave-${index + 1}`));
    expect(Number(matrixStep.env!.LADDER_DEPTH)).toBe(depth);
    expect(Number(matrixStep.env!.MAXIMUM_LEGS)).toBe(256);
  });

  test.each(waveNames)('%s needs the plan and the wave before it, and is skipped when its wave is empty', (name) => {
    const wave = Number(name.slice('wave-'.length));
    const job = workflow.jobs[name]!;
    expect(job.needs).toEqual(wave === 1 ? ['plan'] : ['plan', `wave-${wave - 1}`]);
    const guard = job.if!.replace(/^\$\{\{\s*|\s*\}\}$/g, '').split(/\s*&&\s*/);
    expect(guard).toEqual(expect.arrayContaining(['!cancelled()', "needs.plan.result == 'success'", `needs.plan.outputs.${name} != '[]'`]));
  });

  test.each(waveNames)('%s reads its matrix from the plan job\'s output of the same index', (name) => {
    const job = workflow.jobs[name]!;
    expect(job.strategy).toEqual({ 'fail-fast': false, 'max-parallel': '${{ inputs.max-parallel }}', matrix: { leg: `\${{ fromJSON(needs.plan.outputs.${name}) }}` } });
    expect(workflow.jobs.plan!.outputs![name]).toBe(`\${{ steps.matrix.outputs.${name} }}`);
  });

  test.each(waveNames.slice(1))('%s is wave-1 but for its index and the wave it needs', (name) => {
    const alike = (job: Job, wave: string) => JSON.stringify({ ...job, needs: undefined }).replace(new RegExp(`wave-${wave}(?!\\d)`, 'g'), 'wave-N');
    expect(alike(workflow.jobs[name]!, name.slice('wave-'.length))).toBe(alike(workflow.jobs['wave-1']!, '1'));
  });

  test.each(waveNames)('%s uploads its report under a name unique to the leg, which the report job downloads', (name) => {
    const upload = uploadStep(workflow.jobs[name]!);
    expect(upload.with!.name).toBe(`\${{ inputs.artifact-prefix }}-report-${name}-\${{ strategy.job-index }}`);
    expect(expanded(upload.with!.name)).toMatch(downloaded);
  });

  test('the plan, the single job and every wave feed the report job, which always runs and sets the outputs', () => {
    const report = workflow.jobs.report!;
    expect(report.needs).toEqual(['plan', ...waveNames, 'run-all']);
    expect(report.if).toBe('${{ always() }}');
    for (const job of ['plan', 'run-all']) expect(expanded(uploadStep(workflow.jobs[job]!).with!.name)).toMatch(downloaded);
    // The combined report the report job uploads is not downloaded again by a re-run of it.
    expect(expanded(uploadStep(report).with!.name)).not.toMatch(downloaded);
    expect(report.outputs!['report-artifact']).toBe(uploadStep(report).with!.name);
    const outputs = workflow.on.workflow_call.outputs;
    expect(Object.keys(outputs).sort()).toEqual(['hit', 'ran', 'report-artifact']);
    for (const [name, output] of Object.entries(outputs)) expect(output.value).toBe(`\${{ jobs.report.outputs.${name} }}`);
    expect(Object.keys(report.outputs!).sort()).toEqual(['hit', 'ran', 'report-artifact']);
  });

  test('fan-out picks the plan and its waves, or the one job that runs everything', () => {
    expect(workflow.jobs.plan!.if).toBe('${{ inputs.fan-out }}');
    expect(workflow.jobs['run-all']!.if).toBe('${{ !inputs.fan-out }}');
    expect(workflow.jobs['run-all']!.steps.some((step) => /^\s*stoat run \$PIPELINE_WORKFLOW --json\b/m.test(step.run ?? ''))).toBe(true);
  });

  test('every input has a type a workflow_call may have', () => {
    const inputs = workflow.on.workflow_call.inputs;
    for (const name of ['project', 'workflow', 'remote', 'working-directory', 'runs-on', 'max-parallel', 'fan-out', 'scope', 'node-version', 's3-endpoint', 's3-region', 'role-to-assume', 'aws-region']) {
      expect(inputs).toHaveProperty(name);
    }
    for (const input of Object.values(inputs)) expect(['string', 'number', 'boolean']).toContain(input.type);
  });
});

/* The scripts of the YAML, run by bash as the runner runs a `shell: bash` step. */
describe('the scripts of the workflow', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await makeTemporaryDirectory('pipeline-ladder');
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  /** Makes `stoat` on the scripts' PATH a shell script with this body. */
  async function fakeStoat(body: string): Promise<void> {
    await mkdir(join(directory, 'bin'), { recursive: true });
    await writeFile(join(directory, 'bin', 'stoat'), `#!/bin/bash\n${body}\n`);
    await chmod(join(directory, 'bin', 'stoat'), 0o755);
  }

  async function runStep(step: Step, environment: Record<string, string>): Promise<Map<string, string>> {
    const run = await runWorkflowStep(step, directory, join(directory, 'bin'), join(directory, 'github-output'), { RUNNER_TEMP: directory, ...environment });
    if (run.exitCode !== 0) throw Object.assign(new Error(`the step exited with ${run.exitCode}`), { code: run.exitCode });
    return run.outputs;
  }

  async function matrixOf(waves: string[][], extraSteps: { name: string; status: string }[] = []): Promise<Map<string, string>> {
    const steps = [...waves.flat().map((name) => ({ name, status: 'run', key: null, needs: [], reason: 'changed' })), ...extraSteps];
    await writeFile(join(directory, 'plan.json'), JSON.stringify({ steps, waves }));
    return runStep(matrixStep, { PLAN_FILE: join(directory, 'plan.json') });
  }

  test('a shallow plan: one leg per step, empty waves as [], the hits listed', async () => {
    const outputs = await matrixOf([['prepare'], ['features-sum', 'features-product'], ['train']], [{ name: 'evaluate', status: 'hit' }, { name: 'docs', status: 'skip' }]);
    expect(JSON.parse(outputs.get('wave-1')!)).toEqual(['prepare']);
    expect(JSON.parse(outputs.get('wave-2')!)).toEqual(['features-sum', 'features-product']);
    expect(JSON.parse(outputs.get('wave-3')!)).toEqual(['train']);
    for (const name of waveNames.slice(3)) expect(outputs.get(name)).toBe('[]');
    expect(JSON.parse(outputs.get('hits')!)).toEqual(['evaluate', 'docs']);
  });

  test('a plan deeper than the ladder: the waves past it run in the last wave, in one leg, in order', async () => {
    const waves = Array.from({ length: depth + 3 }, (_, index) => [`step-${index + 1}a`, `step-${index + 1}b`]);
    const outputs = await matrixOf(waves);
    for (let wave = 1; wave < depth; wave++) expect(JSON.parse(outputs.get(`wave-${wave}`)!)).toEqual(waves[wave - 1]!);
    expect(JSON.parse(outputs.get(`wave-${depth}`)!)).toEqual([waves.slice(depth - 1).flat().join(' ')]);
  });

  test('a wave wider than a matrix may be: 256 legs, every step in exactly one', async () => {
    const wide = Array.from({ length: 600 }, (_, index) => `step-${index}`);
    const legs = JSON.parse((await matrixOf([wide])).get('wave-1')!) as string[];
    expect(legs).toHaveLength(256);
    expect(legs.flatMap((leg) => leg.split(' ')).sort()).toEqual([...wide].sort());
  });

  test('a leg runs `stoat run` with one --step per name, in order, its report where the upload takes it from', async () => {
    await fakeStoat(`printf '%s\\n' "$@" > "${directory}/arguments"; echo '{"steps":[]}'`);
    const leg = workflow.jobs['wave-2']!.steps.find((step) => step.run?.includes('stoat run'))!;
    const report = join(directory, 'reports', 'steps', 'wave-2-0.json');
    await runStep(leg, { LEG: 'train evaluate', REPORT: report, JOB_URL: 'https://github.example/job/1', PIPELINE_PROJECT: 'project.yml', PIPELINE_REMOTE: 's3://bucket/cache', PIPELINE_SCOPE: '', PIPELINE_S3_ENDPOINT: 'http://127.0.0.1:9000', PIPELINE_S3_REGION: '' });
    const argumentsGiven = (await readFile(join(directory, 'arguments'), 'utf8')).trimEnd().split('\n');
    expect(argumentsGiven).toEqual(['run', '--step', 'train', '--step', 'evaluate', '--json', '--job-url', 'https://github.example/job/1', '--project', 'project.yml', '--remote', 's3://bucket/cache', '--s3-endpoint', 'http://127.0.0.1:9000']);
    expect(JSON.parse(await readFile(report, 'utf8'))).toEqual({ steps: [] });
    expect(String(uploadStep(workflow.jobs['wave-2']!).with!.path)).toBe('${{ runner.temp }}/stoat-reports');
    expect(String(leg.env!.REPORT)).toBe('${{ runner.temp }}/stoat-reports/steps/wave-2-${{ strategy.job-index }}.json');
  });

  test('the report step puts the summary in the job summary and fails as stoat report does', async () => {
    const reportStep = workflow.jobs.report!.steps.find((step) => step.id === 'report')!;
    const reports = join(directory, 'downloaded');
    await mkdir(reports, { recursive: true });
    await fakeStoat('[ "$1 $3 $5" = "report --summary --outputs" ] || exit 9; summary="$4"; outputs="$6"; echo "| train | failed |" > "$summary"; echo "hit=false" >> "$outputs"; exit 1');
    const jobSummary = join(directory, 'job-summary.md');
    await writeFile(jobSummary, '');
    const failure = await runStep(reportStep, { REPORTS: reports, GITHUB_STEP_SUMMARY: jobSummary }).then(() => undefined, (error: { code: number }) => error);
    expect(failure?.code).toBe(1);
    expect(await readFile(jobSummary, 'utf8')).toBe('| train | failed |\n');
    expect(await readFile(join(directory, 'github-output'), 'utf8')).toBe('hit=false\n');
  });
});
