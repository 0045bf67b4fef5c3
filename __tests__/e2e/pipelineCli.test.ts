import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.js';
import { type S3Server } from '../helpers/s3Server.js';
import { childEnvironment, copyBuiltCli, directoryRemote, runCli, s3Remote } from '../helpers/stoatChild.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import type { S3Client } from '@aws-sdk/client-s3';

let root: string;
let cli: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-pipeline');
  cli = await copyBuiltCli(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** prepare -> {upper, reverse} -> report; every step appends its name to runs.log, which none declares. */
const projectFile = `title: tiny
vars:
  separator: "--"
directories: [data]
commands:
  - name: prepare
    help: write the raw data
    script:
      - "sh -c 'echo prepare >> runs.log; cp input.txt data/raw.txt'"
    deps: [input.txt]
    outputs: [data/raw.txt]
  - name: upper
    script:
      - "sh -c 'echo upper >> runs.log; tr a-z A-Z < data/raw.txt > data/upper.txt'"
    deps: [data/raw.txt]
    outputs: [data/upper.txt]
  - name: reverse
    script:
      - "sh -c 'echo reverse >> runs.log; rev data/raw.txt > data/reverse.txt'"
    deps: [data/raw.txt]
    outputs: [data/reverse.txt]
  - name: report
    script:
      - "sh -c 'echo report >> runs.log; cat data/upper.txt > report.txt; echo \${vars.separator} >> report.txt; cat data/reverse.txt >> report.txt'"
      - echo "report written"
    deps: [data/upper.txt, data/reverse.txt]
    outputs: [report.txt]
workflows:
  all: [prepare, upper, reverse, report]
`;

interface RunJson {
  steps: { name: string; status: string; reason: string; key: string | null; duration_ms: number }[];
}

async function runs(directory: string): Promise<string[]> {
  const text = await readFile(join(directory, 'runs.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').sort();
}

async function stoatRun(directory: string, args: string[]): Promise<{ exitCode: number | null; json: RunJson; stderr: string }> {
  const outcome = await runCli(cli, directory, ['run', ...args, '--json'], childEnvironment(root));
  assert.ok(!outcome.timedOut, outcome.stderr);
  let json: RunJson;
  try {
    json = JSON.parse(outcome.stdout) as RunJson;
  } catch {
    throw new Error(`stdout is not the JSON report alone:\n${outcome.stdout}\n${outcome.stderr}`);
  }
  return { exitCode: outcome.exitCode, json, stderr: outcome.stderr };
}

function verdicts(json: RunJson): Record<string, string> {
  return Object.fromEntries(json.steps.map((step) => [step.name, step.status]));
}

/** The walk of the issue: all run, all skipped, outputs restored, an edit re-runs only what follows it. */
async function walkThrough(name: string, remote: string[], requests: () => Promise<number>): Promise<void> {
  const directory = join(root, name);
  await writeFiles(directory, { 'project.yml': projectFile, 'input.txt': 'abc\n' });
  const first = await stoatRun(directory, ['all', ...remote]);
  assert.equal(first.exitCode, 0, first.stderr);
  assert.deepEqual(verdicts(first.json), { prepare: 'ran', upper: 'ran', reverse: 'ran', report: 'ran' });
  assert.match(first.stderr, /report \| report written/);
  assert.equal(await readFile(join(directory, 'report.txt'), 'utf8'), 'ABC\n--\ncba\n');

  const before = await requests();
  const second = await stoatRun(directory, ['all', ...remote]);
  assert.deepEqual(verdicts(second.json), { prepare: 'skipped', upper: 'skipped', reverse: 'skipped', report: 'skipped' });
  assert.equal(await requests(), before, 'a second run of an unchanged project must send no request to the remote');

  await rm(join(directory, 'data'), { recursive: true });
  await rm(join(directory, 'report.txt'));
  await rm(join(directory, 'runs.log'));
  // As on a clean checkout: no state either.
  await rm(join(directory, '.stoat'), { recursive: true });
  const planned = await runCli(cli, directory, ['plan', 'all', '--json', ...remote], childEnvironment(root));
  assert.equal(planned.exitCode, 0, planned.stderr);
  const plan = JSON.parse(planned.stdout) as { steps: { name: string; status: string; key: string; needs: string[] }[]; waves: string[][] };
  assert.deepEqual(plan.steps.map((step) => [step.name, step.status, step.needs]), [['prepare', 'hit', []], ['upper', 'hit', ['prepare']], ['reverse', 'hit', ['prepare']], ['report', 'hit', ['upper', 'reverse']]]);
  assert.deepEqual(plan.steps.map((step) => step.key), first.json.steps.map((step) => step.key));
  assert.deepEqual(plan.waves, []);
  assert.equal(existsSync(join(directory, 'data')), false, 'plan downloads nothing');
  const third = await stoatRun(directory, ['all', ...remote]);
  assert.deepEqual(verdicts(third.json), { prepare: 'restored', upper: 'restored', reverse: 'restored', report: 'restored' });
  assert.deepEqual(await runs(directory), []);
  assert.equal(await readFile(join(directory, 'report.txt'), 'utf8'), 'ABC\n--\ncba\n');

  const edited = await stoatRun(directory, ['all', '--vars.separator', '==', ...remote]);
  assert.deepEqual(verdicts(edited.json), { prepare: 'skipped', upper: 'skipped', reverse: 'skipped', report: 'ran' });
  assert.match(edited.json.steps[3]!.reason, /line 1 of the command changed/);
  assert.deepEqual(await runs(directory), ['report']);
}

describe('stoat run on a project file', () => {
  test('on a directory remote: all run, all skipped, deleted outputs restored, an edit re-runs its step only', async () => {
    const remote = directoryRemote(join(root, 'directory-remote'));
    // A directory remote answers no requests to count: the skipping run must at least write nothing.
    await walkThrough('directory', remote.arguments(), async () => (await remote.objects()).length);
    assert.ok((await remote.objects()).length > 0);
  });

  describe('on S3', () => {
    let server: S3Server;
    let inspector: S3Client;
    let proxy: FaultProxy;
    useS3Server((started, client) => {
      server = started;
      inspector = client;
    });
    beforeAll(async () => {
      proxy = await startFaultProxy(server.endpoint);
    });
    afterAll(async () => {
      await proxy.stop();
    });

    test('the same walk, the second run sending no request at all', async () => {
      const remote = s3Remote(server, inspector, 'pipeline');
      await walkThrough('s3', remote.arguments(proxy.url), async () => proxy.requests);
      assert.ok(proxy.requests > 0, 'the runs that restore and save go through the counting proxy');
    });
  });

  test('two independent steps that each sleep 2 s finish in under 3.5 s with --jobs 2', async () => {
    const directory = join(root, 'parallel');
    // Each step writes when it started and when it ended (ns), so the span measured is the steps', not node's start-up.
    const sleeper = (name: string) => `  - name: ${name}\n    script: ["sh -c 'date +%s%N > ${name}.txt; sleep 2; date +%s%N >> ${name}.txt'"]\n    outputs: [${name}.txt]\n`;
    await writeFiles(directory, { 'project.yml': `commands:\n${sleeper('one')}${sleeper('two')}` });
    const outcome = await stoatRun(directory, ['one', 'two', '--jobs', '2', ...directoryRemote(join(root, 'parallel-remote')).arguments()]);
    assert.deepEqual(verdicts(outcome.json), { one: 'ran', two: 'ran' });
    const times = await Promise.all(['one', 'two'].map(async (name) => (await readFile(join(directory, `${name}.txt`), 'utf8')).trim().split('\n').map(BigInt)));
    const spanMs = Number(times.reduce((latest, [, end]) => (end! > latest ? end! : latest), 0n) - times.reduce((earliest, [start]) => (start! < earliest ? start! : earliest), times[0]![0]!)) / 1e6;
    assert.ok(spanMs < 3500, `the two steps took ${Math.round(spanMs)} ms from the first start to the last end`);
    assert.ok(outcome.json.steps.every((step) => step.duration_ms >= 2000));
  });

  test('bad input: an unknown name and a missing project exit 2 with a clear error and write nothing', async () => {
    const directory = join(root, 'bad');
    await writeFiles(directory, { 'project.yml': projectFile, 'input.txt': 'abc\n' });
    const unknown = await runCli(cli, directory, ['run', 'nonesuch'], childEnvironment(root));
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /"nonesuch" is neither a command nor a workflow/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
    const missing = await runCli(cli, join(root), ['plan', 'all', '--project', 'nowhere'], childEnvironment(root));
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /nowhere does not exist/);
    const jobs = await runCli(cli, directory, ['run', 'all', '--jobs', 'many'], childEnvironment(root));
    assert.equal(jobs.exitCode, 2);
    assert.match(jobs.stderr, /--jobs is "many"/);
    assert.equal(existsSync(join(directory, '.stoat')), false);
    assert.equal(existsSync(join(directory, 'data')), false);
  });
});
