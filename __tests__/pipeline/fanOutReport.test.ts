import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { marked } from 'marked';
import { UsageError } from '../../src/core/errors.js';
import { fanOutReport } from '../../src/pipeline/fanOutReport.js';
import { assertNoInjectedHtml, assertTablesIntact, tables } from '../helpers/githubMarkdown.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

/* The report job of a fanned-out pipeline: the plan job's plan and each leg's report, as one summary. */

let root: string;
let folders = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('fan-out-report');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const plan = {
  steps: [
    { name: 'prepare', status: 'hit', key: 'a', needs: [], reason: 'a saved result exists' },
    { name: 'features', status: 'run', key: 'b', needs: ['prepare'], reason: 'dep `corpus/` changed' },
    { name: 'train', status: 'pending', key: null, needs: ['features'], reason: 'features must run first' },
    { name: 'evaluate', status: 'pending', key: null, needs: ['train'], reason: 'train must run first' },
  ],
  waves: [['features'], ['train'], ['evaluate']],
};

async function folderWith(files: Record<string, unknown>): Promise<string> {
  const folder = join(root, `run-${++folders}`);
  await writeFiles(folder, Object.fromEntries(Object.entries(files).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)])));
  return folder;
}

const leg = (name: string, status: string, job = 'https://github.com/octo/repo/actions/runs/1/job/2') => ({ steps: [{ name, status, reason: `${name} ${status}`, key: 'k', duration_ms: 1500, job_url: job }] });

describe('stoat report puts a fanned-out run back together', () => {
  test('hits from the plan, verdicts from the legs, a link to each leg\'s job', async () => {
    const folder = await folderWith({ 'plan.json': plan, 'steps/features.json': leg('features', 'ran'), 'steps/train.json': leg('train', 'ran'), 'steps/evaluate.json': leg('evaluate', 'restored') });
    const report = await fanOutReport(folder);
    assert.deepEqual(report.ran, ['features', 'train']);
    assert.equal(report.hit, false);
    assert.deepEqual(report.failed, []);
    assertTablesIntact(report.markdown);
    assertNoInjectedHtml(report.markdown.replace(/```mermaid\n[\s\S]*?\n```\n/u, ''));
    const table = tables(marked.lexer(report.markdown))[0]!;
    assert.deepEqual(table.rows.map((row) => row[1]!.text.split(' ').pop()), ['skipped', 'ran', 'ran', 'restored']);
    assert.match(report.markdown, /\[`features`\]\(https:\/\/github\.com\/octo\/repo\/actions\/runs\/1\/job\/2\)/u);
    assert.match(report.markdown, /step0 --> step1\n {2}step1 --> step2\n {2}step2 --> step3/u);
  });

  test('a step no leg reported is not run, and a failure is never hidden by another report of it', async () => {
    const folder = await folderWith({ 'plan.json': plan, 'steps/a.json': leg('features', 'ran'), 'steps/b.json': leg('features', 'failed') });
    const report = await fanOutReport(folder);
    assert.deepEqual(report.failed, ['features', 'train', 'evaluate']);
    assert.equal(report.hit, false);
    assert.match(report.markdown, /\| `train` \| ⛔ not run \| .* no job reported this step/u);
  });

  test('a plan with nothing to run is a hit', async () => {
    const hits = { steps: plan.steps.map((step) => ({ ...step, status: 'skip' })), waves: [] };
    const report = await fanOutReport(await folderWith({ 'plan.json': hits }));
    assert.equal(report.hit, true);
    assert.deepEqual(report.ran, []);
  });

  test('a link that is not a plain https URL is not made a link', async () => {
    const folder = await folderWith({ 'plan.json': plan, 'steps/features.json': leg('features', 'ran', 'javascript:alert(1)//https://x/'), 'steps/train.json': leg('train', 'ran', 'https://x.test/a")<b>') });
    const report = await fanOutReport(folder);
    assert.doesNotMatch(report.markdown, /\]\(/u);
    assertNoInjectedHtml(report.markdown.replace(/```mermaid\n[\s\S]*?\n```\n/u, ''));
  });

  test('a missing or malformed plan is a usage error that says what to give', async () => {
    await assert.rejects(fanOutReport(await folderWith({})), (error: unknown) => error instanceof UsageError && /cannot read the plan .*plan\.json/u.test(error.message));
    await assert.rejects(fanOutReport(await folderWith({ 'plan.json': '{"steps": 3}' })), /has no "steps" list: it must be what stoat plan --json prints/u);
    await assert.rejects(fanOutReport(await folderWith({ 'plan.json': plan, 'steps/x.json': '{' })), /the step report .*x\.json is not valid JSON/u);
  });
});
