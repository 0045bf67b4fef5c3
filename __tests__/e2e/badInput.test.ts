import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { repositoryRoot, runAction, type RunnerJob } from './actionRunner.js';

const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
let root: string;
let workspace: string;
let remote: string;

function stoat(args: string[]) {
  // A time limit, so a run that hangs (on a named pipe, say) fails its test instead of the suite.
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: workspace, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home') } });
  return { exitCode: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  root = await makeTemporaryDirectory('bad-input');
  workspace = join(root, 'workspace');
  remote = join(root, 'remote');
  await writeFiles(workspace, { 'train.py': 'print(1)\n', 'data/a.csv': 'a\n', 'model/weights.bin': 'w', 'linked/real.txt': 'r' });
  await mkdir(remote);
  await symlink('real.txt', join(workspace, 'linked', 'link.txt'));
  execFileSync('mkfifo', [join(workspace, 'pipe')]);
  // A socket file: what a crashed server leaves behind (Node removes its own on close, Python does not).
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(workspace, 'server.sock')]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const local = () => ['--remote', remote];

/** Each: the arguments, what the message must say, and the exit code. */
const cliCases: { label: string; args: () => string[]; message: RegExp; exitCode?: number }[] = [
  { label: 'a dep that does not exist', args: () => ['exec', '--deps', 'nope.csv', '--outputs', 'o', ...local(), '--', 'touch o'], message: /dep "nope\.csv" does not exist in .*: check the path/ },
  { label: 'a glob that matches nothing', args: () => ['exec', '--deps', 'data/*.parquet', '--outputs', 'o', ...local(), '--', 'touch o'], message: /dep "data\/\*\.parquet" matches no file/ },
  { label: 'a dep outside the working directory', args: () => ['exec', '--deps', '../outside.txt', '--outputs', 'o', ...local(), '--', 'touch o'], message: /dep "\.\.\/outside\.txt" is outside the working directory/ },
  { label: 'an absolute dep outside the working directory', args: () => ['exec', '--deps', '/etc/hostname', '--outputs', 'o', ...local(), '--', 'touch o'], message: /dep "\/etc\/hostname" is outside the working directory/ },
  { label: 'the working directory itself as a dep', args: () => ['exec', '--deps', '.', '--outputs', 'o', ...local(), '--', 'touch o'], message: /dep "\." is the working directory itself/ },
  { label: 'an output the command did not produce', args: () => ['exec', '--outputs', 'never', ...local(), '--', 'true'], message: /output "never" was not produced: the command must create it/ },
  { label: 'an output declared twice', args: () => ['exec', '--outputs', 'model', '--outputs', 'model/', ...local(), '--', 'true'], message: /output "model" is declared twice/ },
  { label: 'an output inside another', args: () => ['exec', '--outputs', 'model', '--outputs', 'model/weights.bin', ...local(), '--', 'true'], message: /output "model\/weights\.bin" is inside output "model"/ },
  { label: 'an output that is a named pipe', args: () => ['save', '--command', 'c', '--outputs', 'pipe', ...local()], message: /output "pipe" is not a regular file or directory/ },
  { label: 'an output that is a socket', args: () => ['save', '--command', 'c', '--outputs', 'server.sock', ...local()], message: /output "server\.sock" is not a regular file or directory/ },
  { label: 'an output holding a symbolic link', args: () => ['save', '--command', 'c', '--outputs', 'linked', ...local()], message: /output "linked" contains a symbolic link at link\.txt/ },
  { label: 'an environment variable name that is not one', args: () => ['exec', '--env', '1SEED', '--outputs', 'o', ...local(), '--', 'touch o'], message: /env "1SEED" is not an environment variable name/ },
  { label: 'a scope name that is not one', args: () => ['exec', '--scope', '../trusted', '--outputs', 'o', ...local(), '--', 'touch o'], message: /scope "\.\.\/trusted" is not a valid scope name/ },
  { label: 'a remote of an unknown kind', args: () => ['exec', '--outputs', 'o', '--remote', 'gs://bucket/x', '--', 'touch o'], message: /remote "gs:\/\/bucket\/x" uses "gs:\/\/", which stoat does not support: give s3:\/\/bucket\/prefix/ },
  { label: 'a remote with credentials in it', args: () => ['exec', '--outputs', 'o', '--remote', `s3://AKIAEXAMPLE:${secret}@bucket/x`, '--', 'touch o'], message: /has credentials in it: remove them from the URL and give them as AWS_ACCESS_KEY_ID/ },
  { label: 'an S3 bucket name that is not one', args: () => ['exec', '--outputs', 'o', '--remote', 's3://My_Bucket/x', '--', 'touch o'], message: /bucket "my_bucket"|bucket "My_Bucket", which is not a valid S3 bucket name/i },
  { label: 'a file URL with a host', args: () => ['exec', '--outputs', 'o', '--remote', 'file://server/share', '--', 'touch o'], message: /names host "server": a file URL must be file:\/\/\/absolute\/path/ },
  { label: 'a malformed escape in an S3 prefix', args: () => ['exec', '--outputs', 'o', '--remote', 's3://bucket/a%zz', '--', 'touch o'], message: /has a malformed %-escape in its prefix/ },
  { label: 'a save policy that does not exist', args: () => ['exec', '--save', 'sometimes', '--outputs', 'o', ...local(), '--', 'touch o'], message: /--save is "sometimes": use one of auto, always, never/ },
  { label: 'a concurrency of zero', args: () => ['exec', '--concurrency', '0', '--outputs', 'o', ...local(), '--', 'touch o'], message: /--concurrency is "0": use a whole number from 1 to 256/ },
  { label: 'a timeout that is not a number', args: () => ['exec', '--timeout', 'soon', '--outputs', 'o', '--remote', 's3://bucket/x', '--', 'touch o'], message: /--timeout is "soon": use a whole number from 1 to 3600/ },
  { label: 'an unknown option', args: () => ['exec', '--output', 'o', '--', 'touch o'], message: /unknown option --output: did you mean --outputs\? \(see stoat exec --help\)/ },
  { label: 'an S3 URL with one slash', args: () => ['exec', '--outputs', 'o', '--remote', 's3:/bucket/cache', '--', 'touch o'], message: /remote "s3:\/bucket\/cache" was read as a URL of scheme "s3" without "\/\/": write s3:\/\/bucket\/cache \(or \.\/s3:\/bucket\/cache if you mean a directory of that name\)/ },
  { label: 'an S3 URL without its colon', args: () => ['exec', '--outputs', 'o', '--remote', 's3//bucket', '--', 'touch o'], message: /remote "s3\/\/bucket" was read as a URL of scheme "s3" without its ":": write s3:\/\/bucket/ },
  { label: 'an S3 URL without its slashes', args: () => ['exec', '--outputs', 'o', '--remote', 'S3:bucket', '--', 'touch o'], message: /remote "S3:bucket" was read as a URL of scheme "S3" without "\/\/": write s3:\/\/bucket/ },
  { label: 'a ~ no shell expanded', args: () => ['exec', '--outputs', 'o', '--remote', '~/stoat-cache', '--', 'touch o'], message: /remote "~\/stoat-cache" starts with "~", which stoat does not expand .*: write the full path, .*\/home\/stoat-cache/ },
  { label: 'the GitHub Actions cache outside a job', args: () => ['exec', '--outputs', 'o', '--remote', 'gha', '--', 'touch o'], message: /remote "gha": the GitHub Actions cache can be reached only from a job on GitHub Actions, and here ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set.*export-runtime: true, or give another remote/ },
  { label: 'an S3 endpoint with credentials in it', args: () => ['exec', '--outputs', 'o', '--remote', 's3://bucket/x', '--s3-endpoint', `https://AKIAEXAMPLE:${secret}@minio.example.com`, '--', 'touch o'], message: /the S3 endpoint "https:\/\/\*\*\*@minio\.example\.com" has credentials in it: remove them from the URL/ },
  { label: 'verify with a manifest that never ends', args: () => ['verify', 'model', '/dev/zero'], message: /cannot read the manifest \/dev\/zero: it is a character device, not a regular file/, exitCode: 2 },
  { label: 'verify with a manifest that is a named pipe', args: () => ['verify', 'model', 'pipe'], message: /cannot read the manifest pipe: it is a named pipe, not a regular file/, exitCode: 2 },
  { label: 'verify with a manifest that is a directory', args: () => ['verify', 'model', 'data'], message: /cannot read the manifest data: it is a directory, not a regular file/, exitCode: 2 },
  { label: 'no command after --', args: () => ['exec', '--outputs', 'o', ...local()], message: /needs the command after "--"/ },
  { label: 'restore without --command', args: () => ['restore', '--outputs', 'o', ...local()], message: /stoat restore needs --command "STR"/ },
  { label: 'no outputs', args: () => ['exec', ...local(), '--', 'true'], message: /no outputs are declared: name at least one file or directory/ },
  { label: 'verify with a manifest that is not JSON', args: () => ['verify', 'model', 'train.py'], message: /the manifest train\.py is not valid JSON/, exitCode: 2 },
];

describe('the CLI refuses bad input with a message that names the thing, and writes nothing', () => {
  for (const { label, args, message, exitCode } of cliCases) {
    test(label, async () => {
      const before = await describeTree(remote);
      const workspaceBefore = await describeTree(workspace);
      const result = stoat(args());
      assert.equal(result.exitCode, exitCode ?? 2, `exit code for ${label}: ${result.output}`);
      assert.match(result.output, message, `message for ${label}`);
      assert.ok(!result.output.includes(secret), 'a secret never reaches the output');
      assert.deepEqual(await describeTree(remote), before, 'nothing is written to the remote');
      const workspaceAfter = await describeTree(workspace);
      // A step that ran may leave its own output; nothing of stoat's (no staging folder) may stay.
      assert.ok(Object.keys(workspaceAfter).every((path) => path in workspaceBefore || /^(o|never)$/.test(path)), `the workspace holds only what the command wrote: ${Object.keys(workspaceAfter).join(', ')}`);
      await rm(join(workspace, 'o'), { force: true });
    });
  }

  // Root reads every file, so there the refusal cannot be seen.
  (process.getuid?.() === 0 ? test.skip : test)('a file that cannot be read is named (skipped as root, who reads every file)', async () => {
    await writeFiles(workspace, { 'secret.csv': 'x' });
    await chmod(join(workspace, 'secret.csv'), 0);
    const result = stoat(['hash', 'secret.csv']);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.output, /secret\.csv/);
  });
});

describe('the Action refuses bad inputs by name', () => {
  const job = (): RunnerJob => ({ workspace, runnerTemp: join(root, 'runner-temp'), toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: {} });
  const actionCases: { label: string; inputs: Record<string, string>; message: RegExp }[] = [
    { label: 'a save input that is not a choice', inputs: { run: 'true', outputs: 'o', save: 'sometimes' }, message: /the input "save" is "sometimes": use one of auto, always, never/ },
    { label: 'a summary input that is not a boolean', inputs: { run: 'true', outputs: 'o', summary: 'yes' }, message: /the input "summary" is "yes": use true or false/ },
    { label: 'a concurrency input that is not a number', inputs: { run: 'true', outputs: 'o', concurrency: 'many' }, message: /the input "concurrency" is "many": use a whole number from 1 to 256/ },
    { label: 'run given to the restore sub-action', inputs: { run: 'true', outputs: 'o' }, message: /set exactly one of the inputs "command": "run" is set/ },
    { label: 'an s3-endpoint input with credentials in it', inputs: { run: 'true', outputs: 'o', 's3-endpoint': `https://AKIAEXAMPLE:${secret}@minio.example.com` }, message: /the S3 endpoint "https:\/\/\*\*\*@minio\.example\.com" has credentials in it/ },
    { label: 'a remote input that is an S3 URL with one slash', inputs: { run: 'true', outputs: 'o', remote: 's3:/bucket/cache' }, message: /remote "s3:\/bucket\/cache" was read as a URL of scheme "s3" without "\/\/": write s3:\/\/bucket\/cache/ },
  ];
  for (const { label, inputs, message } of actionCases) {
    test(label, async () => {
      await mkdir(job().runnerTemp, { recursive: true });
      const metadata = label.includes('restore sub-action') ? 'restore/action.yml' : 'action.yml';
      const workspaceBefore = await describeTree(workspace);
      const run = await runAction(job(), metadata, 'main', { remote: remote, ...inputs });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, new RegExp(`::error::${message.source}`));
      assert.ok(!run.stdout.includes(secret), 'a secret never reaches the log');
      assert.equal(run.outputs.hit, 'false');
      assert.deepEqual(await describeTree(workspace), workspaceBefore, 'no folder appears in the workspace');
    });
  }
});
