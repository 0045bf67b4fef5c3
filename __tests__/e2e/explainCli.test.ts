import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { s3rverCredentials, type S3Server } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { repositoryRoot } from './actionRunner.js';

/* `stoat explain`, `stoat log`, the explanation `exec` prints, and `verify` of the locations the summary prints, run from the built CLI. */

const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
let root: string;
let projects = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-explain-cli');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function stoat(cwd: string, args: string[], environment: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), ...environment } });
  return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

async function project(): Promise<string> {
  const directory = join(root, `project-${++projects}`);
  await writeFiles(directory, { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n' });
  return directory;
}

const step = ['--deps', 'train.py', '--deps', 'data/', '--outputs', 'model/'];
const command = 'mkdir -p model && cat train.py data/a.txt > model/weights.bin';

describe('on a directory remote', () => {
  test('exec prints why it missed; explain says what a restore would do; log lists the results with what changed', async () => {
    const directory = await project();
    const remote = ['--remote', join(root, `remote-${projects}`)];
    const first = stoat(directory, ['exec', ...step, ...remote, '--', command]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stderr, /^ {2}why: first run of this step: nothing saved for `model` yet \(in scopes local, trusted\)$/m);
    assert.ok(!first.stderr.includes('\u001b['), 'no colour where standard error is no terminal');

    await rm(join(directory, 'model'), { recursive: true });
    const hit = stoat(directory, ['explain', ...step, ...remote, '--command', command]);
    assert.equal(hit.exitCode, 0, hit.stderr);
    assert.match(hit.stdout, /^stoat explain: a restore would hit: a saved result for this key is in scope "local"/);
    assert.equal(existsSync(join(directory, 'model')), false, 'explain restores nothing');

    await writeFile(join(directory, 'data/a.txt'), 'alpha, changed\n');
    const miss = stoat(directory, ['explain', ...step, ...remote, '--command', command]);
    assert.match(miss.stdout, /^stoat explain: a restore would miss: no saved result for this key/);
    assert.match(miss.stdout, /^ {2}why: dep `data\/a\.txt` changed$/m);
    assert.match(miss.stdout, /^ {4}dep data\/a\.txt: [0-9a-f]{12} → [0-9a-f]{12}$/m);
    assert.match(miss.stdout, /^ {2}1 input has changed since the last saved result used them: data\/a\.txt/m);
    const json = JSON.parse(stoat(directory, ['explain', ...step, ...remote, '--command', command, '--json']).stdout);
    assert.deepEqual([json.status, json.explanation.kind, json.inputs_changed, json.inputs_new], ['miss', 'changed', ['data/a.txt'], []]);

    const second = stoat(directory, ['exec', ...step, ...remote, '--', command]);
    assert.match(second.stderr, /^ {2}why: dep `data\/a\.txt` changed$/m);
    const log = stoat(directory, ['log', '--outputs', 'model/', ...remote]);
    assert.equal(log.exitCode, 0, log.stderr);
    const lines = log.stdout.trim().split('\n');
    assert.equal(lines[0], 'stoat log: 2 saved results of model in scopes local, trusted, newest first');
    assert.match(lines[1]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}saved just now \((commit [0-9a-f]{7}, )?scope local\), ran [\d.]+ m?s$/);
    assert.match(lines[2]!, /^ {2}tree [0-9a-f]{12} {2}key [0-9a-f]{12} {2}\/.*\.json$/);
    assert.equal(lines[3], '  since the one before: dep `data/a.txt` changed');
    assert.equal(lines.length, 6, 'the oldest result has nothing before it to compare with');
    const filtered = JSON.parse(stoat(directory, ['log', '--outputs', 'model', '--command', 'other', '--json', ...remote]).stdout);
    assert.deepEqual(filtered, []);
  });

  test('verify takes the manifest path a directory remote\'s summary prints', async () => {
    const directory = await project();
    const remoteRoot = join(root, `remote-verify-${projects}`);
    const saved = JSON.parse(stoat(directory, ['exec', ...step, '--remote', remoteRoot, '--json', '--', command]).stdout);
    const manifest: string = saved.outputs[0].manifest;
    assert.ok(manifest.startsWith(remoteRoot), manifest);
    assert.equal(stoat(directory, ['verify', 'model', manifest]).exitCode, 0);
    assert.equal(stoat(directory, ['verify', 'model', `file://${manifest}`]).exitCode, 0);
    await writeFile(join(directory, 'model/extra.txt'), 'x');
    const differs = stoat(directory, ['verify', 'model', manifest]);
    assert.equal(differs.exitCode, 1);
    assert.match(differs.stdout, /^added {5}extra\.txt$/m);
  });

  test('bad input to log and explain is a usage error that says what to give', async () => {
    const directory = await project();
    const noOutput = stoat(directory, ['log']);
    assert.equal(noOutput.exitCode, 2);
    assert.match(noOutput.stderr, /^stoat log: stoat log needs exactly one --outputs PATH \(it was given 0\)/);
    const badLimit = stoat(directory, ['log', '--outputs', 'model', '--limit', 'lots']);
    assert.equal(badLimit.exitCode, 2);
    assert.match(badLimit.stderr, /--limit is "lots": use a whole number from 1 to 1000/);
    const noCommand = stoat(directory, ['explain', '--outputs', 'model']);
    assert.equal(noCommand.exitCode, 2);
    assert.match(noCommand.stderr, /stoat explain needs --command "STR"/);
    assert.doesNotMatch(noOutput.stderr + badLimit.stderr + noCommand.stderr, /\n {4}at /);
  });
});

describe('on S3 (s3rver)', () => {
  let server: S3Server;
  useS3Server((started) => {
    server = started;
  });

  test('verify reads the s3:// manifest location the summary prints; a wrong one is a clear error', async () => {
    const directory = await project();
    const environment = { ...s3rverCredentials };
    const remote = ['--remote', `s3://${server.bucket}/cache`, '--s3-endpoint', server.endpoint];
    const saved = JSON.parse(stoat(directory, ['exec', ...step, ...remote, '--json', '--', command], environment).stdout);
    const manifest: string = saved.outputs[0].manifest;
    assert.match(manifest, new RegExp(`^s3://${server.bucket}/cache/stoat/v1/outputs/model/[0-9a-f]{64}/local/[0-9a-f]{64}\\.json$`));
    const verified = stoat(directory, ['verify', 'model', manifest, '--s3-endpoint', server.endpoint, '--json'], environment);
    assert.equal(verified.exitCode, 0, verified.stderr);
    assert.equal(JSON.parse(verified.stdout).match, true);
    const missing = stoat(directory, ['verify', 'model', manifest.replace('/local/', '/trusted/'), '--s3-endpoint', server.endpoint], environment);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /^stoat verify: there is no manifest at s3:\/\/.*: copy the location from the job summary or the JSON report$/m);
    const bucketOnly = stoat(directory, ['verify', 'model', `s3://${server.bucket}`, '--s3-endpoint', server.endpoint], environment);
    assert.equal(bucketOnly.exitCode, 2);
    assert.match(bucketOnly.stderr, /names no object: give s3:\/\/bucket\/key/);
  });
});
