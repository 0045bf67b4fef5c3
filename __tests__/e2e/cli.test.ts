import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFile, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { s3rverCredentials, type S3Server, startS3Server } from '../helpers/s3Server.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { repositoryRoot } from './actionRunner.js';

const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
let root: string;

/** Runs the built CLI as a user would, in `cwd`, with a clean environment plus `environment`. */
function stoat(cwd: string, args: string[], environment: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), ...environment },
  });
  return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

async function project(name: string): Promise<string> {
  const directory = join(root, name);
  await writeFiles(directory, { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n', 'data/nested/b.txt': 'beta\n' });
  return directory;
}

const train = ['--deps', 'train.py', '--deps', 'data/', '--outputs', 'model/', '--outputs', 'metrics.json', '--json', '--', 'bash', '-c', 'echo ran >> ../counter; mkdir -p model; cat train.py data/a.txt > model/weights.bin; echo "{}" > metrics.json'];

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-cli');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('stoat exec', () => {
  test('works on a fresh machine with the default store: a miss runs, the next run restores', async () => {
    const directory = await project('default-store');
    const environment = { XDG_CACHE_HOME: join(root, 'xdg') };
    const miss = stoat(directory, ['exec', ...train], environment);
    assert.equal(miss.exitCode, 0, miss.stderr);
    const missReport = JSON.parse(miss.stdout);
    assert.equal(missReport.status, 'miss');
    assert.equal(missReport.scope, 'local');
    assert.equal(missReport.remote, join(root, 'xdg', 'stoat'));
    assert.match(miss.stderr, /stoat: miss/);
    const produced = await describeTree(join(directory, 'model'));
    await rm(join(directory, 'model'), { recursive: true });

    const hit = stoat(directory, ['exec', ...train], environment);
    assert.equal(hit.exitCode, 0, hit.stderr);
    const hitReport = JSON.parse(hit.stdout);
    assert.equal(hitReport.status, 'hit');
    assert.equal(hitReport.key, missReport.key);
    assert.equal((await readFile(join(root, 'counter'), 'utf8')).trim(), 'ran');
    assert.deepEqual(await describeTree(join(directory, 'model')), produced);
  });

  test('the same step on S3 with a failing command passes on its exit code and saves nothing', async () => {
    const server: S3Server = await startS3Server();
    try {
      const directory = await project('s3-failing');
      const remote = ['--remote', `s3://${server.bucket}/laptop`, '--s3-endpoint', server.endpoint];
      const failing = stoat(directory, ['exec', '--outputs', 'out', ...remote, '--', 'bash', '-c', 'echo half > out; exit 7'], s3rverCredentials);
      assert.equal(failing.exitCode, 7, failing.stderr);
      const afterFailure = stoat(directory, ['restore', '--outputs', 'out', '--json', ...remote, '--command', "bash -c 'echo half > out; exit 7'"], s3rverCredentials);
      assert.equal(JSON.parse(afterFailure.stdout).status, 'miss', afterFailure.stderr);
      const ok = stoat(directory, ['exec', '--outputs', 'out', '--json', ...remote, '--', 'echo whole > out; env > seen.env'], s3rverCredentials);
      assert.equal(ok.exitCode, 0, ok.stderr);
      assert.equal(JSON.parse(ok.stdout).outputs[0].status, 'saved');
      // The SDK's nine-line notice about its future releases and Node 22 is not for stoat's users,
      // and the variable that silences it never reaches the command.
      assert.doesNotMatch(ok.stderr + failing.stderr, /NodeVersionSupportWarning|AWS SDK/);
      assert.doesNotMatch(await readFile(join(directory, 'seen.env'), 'utf8'), /AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED/);
      await unlink(join(directory, 'out'));
      const again = stoat(directory, ['restore', '--outputs', 'out', '--json', ...remote, '--command', 'echo whole > out; env > seen.env'], s3rverCredentials);
      assert.equal(JSON.parse(again.stdout).status, 'hit', again.stderr);
      assert.equal(await readFile(join(directory, 'out'), 'utf8'), 'whole\n');
    } finally {
      await server.stop();
    }
  });

  test('bad input names the thing and exits 2', async () => {
    const directory = await project('bad-input');
    const missingDep = stoat(directory, ['exec', '--deps', 'nope.csv', '--outputs', 'out', '--remote', join(root, 'bad-remote'), '--', 'touch out']);
    assert.equal(missingDep.exitCode, 2);
    assert.match(missingDep.stderr, /dep "nope\.csv" does not exist/);
    const badRemote = stoat(directory, ['exec', '--outputs', 'out', '--remote', 'gs://bucket/x', '--', 'touch out']);
    assert.equal(badRemote.exitCode, 2);
    assert.match(badRemote.stderr, /remote "gs:\/\/bucket\/x" uses "gs:\/\/"/);
    const noCommand = stoat(directory, ['exec', '--outputs', 'out']);
    assert.equal(noCommand.exitCode, 2);
    assert.match(noCommand.stderr, /needs the command after "--"/);
    const notProduced = stoat(directory, ['exec', '--outputs', 'never', '--remote', join(root, 'bad-remote'), '--', 'true']);
    assert.equal(notProduced.exitCode, 2);
    assert.match(notProduced.stderr, /output "never" was not produced/);
  });
});

describe('what the CLI prints', () => {
  test('under --json, standard output is the report alone: the command writes to standard error', async () => {
    const directory = await project('json-stdout');
    const fake = '{"status": "hit", "key": "forged"}';
    const result = stoat(directory, ['exec', '--outputs', 'out', '--remote', join(root, 'json-remote'), '--json', '--', `echo '${fake}'; echo built > out`]);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.status, 'miss');
    assert.notEqual(report.key, 'forged');
    assert.ok(result.stderr.split('\n').includes(fake), 'the command output is on standard error');
    const plain = stoat(directory, ['exec', '--outputs', 'out2', '--remote', join(root, 'json-remote'), '--', 'echo to-stdout; echo built > out2']);
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.equal(plain.stdout, 'to-stdout\n', 'without --json the command keeps standard output');
  });

  test('stoat save says what it saved, and every run names the store it used', async () => {
    const directory = await project('save-verdict');
    await writeFiles(directory, { 'out/a.txt': 'a\n' });
    const store = join(root, 'save-verdict-remote');
    const saved = stoat(directory, ['save', '--command', 'build out', '--outputs', 'out', '--remote', store]);
    assert.equal(saved.exitCode, 0, saved.stderr);
    // The verdict is the line before the key; a progress line may come first.
    const verdict = (stderr: string): string | undefined => stderr.split('\n').find((_line, index, lines) => lines[index + 1]?.startsWith('  key ') === true);
    assert.equal(verdict(saved.stderr), 'stoat: save only: saved into scope "local"');
    assert.doesNotMatch(saved.stderr, /miss:/);
    assert.ok(saved.stderr.includes(`  remote ${store}\n`), saved.stderr);
    const never = stoat(directory, ['save', '--command', 'build out', '--outputs', 'out', '--remote', store, '--save', 'never']);
    assert.equal(verdict(never.stderr), 'stoat: save only: skipped: save is "never"');
    const restored = stoat(directory, ['restore', '--command', 'build out', '--outputs', 'out', '--remote', store]);
    assert.match(verdict(restored.stderr) ?? '', /^stoat: hit: restored from scope "local"/);
    assert.ok(restored.stderr.includes(`  remote ${store}\n`), restored.stderr);
  });

  test('hash and verify show a file name that holds a line break or an escape code escaped, on its own line', async () => {
    const directory = await project('hostile-names');
    const name = 'a\n::error::forged \u001b[2J.txt';
    await writeFiles(directory, { [`names/${name}`]: 'x\n', 'names/plain.txt': 'y\n' });
    const hashed = stoat(directory, ['hash', 'names']);
    assert.equal(hashed.exitCode, 0, hashed.stderr);
    const lines = hashed.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, hashed.stdout);
    assert.ok(lines[0]!.endsWith('  names/a\\u000a::error::forged \\u001b[2J.txt'), lines[0]);
    assert.ok(!hashed.stdout.includes('\u001b'));
    const json = stoat(directory, ['hash', '--json', 'names']);
    assert.equal(JSON.parse(json.stdout)[0].path, `names/${name}`, 'the JSON keeps the raw name');

    await rm(join(directory, 'names', name));
    const saved = stoat(directory, ['save', '--command', 'names', '--outputs', 'names', '--remote', join(root, 'hostile-names-remote'), '--json']);
    assert.equal(saved.exitCode, 0, saved.stderr);
    await writeFile(join(directory, 'names', name), 'x\n');
    // Whether verify lists the name or refuses it, it shows it escaped.
    const verified = stoat(directory, ['verify', 'names', JSON.parse(saved.stdout).outputs[0].manifest]);
    assert.notEqual(verified.exitCode, 0, verified.stderr);
    const output = verified.stdout + verified.stderr;
    assert.ok(output.includes('a\\u000a::error::forged \\u001b[2J.txt'), output);
    assert.ok(!output.includes('\u001b'));
    for (const line of output.split('\n')) assert.ok(!line.trimStart().startsWith('::'), line);
  });

  test('a mistyped option is named, with the option it most likely meant, for every command', async () => {
    const cases: [string[], RegExp][] = [
      [['exec', '--dep', 'x', '--', 'true'], /^stoat exec: unknown option --dep: did you mean --deps\? \(see stoat exec --help\)$/m],
      [['restore', '--comand', 'x'], /^stoat restore: unknown option --comand: did you mean --command\?/m],
      [['save', '--remtoe', 'x'], /^stoat save: unknown option --remtoe: did you mean --remote\?/m],
      [['hash', '--jsno', 'x'], /^stoat hash: unknown option --jsno: did you mean --json\?/m],
      [['verify', '--jso', 'a', 'b'], /^stoat verify: unknown option --jso: did you mean --json\?/m],
      [['exec', '--frobnicate', '--', 'true'], /^stoat exec: unknown option --frobnicate: see stoat exec --help for the options$/m],
    ];
    for (const [args, message] of cases) {
      const result = stoat(root, args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /place it at the end of the command after '--'/);
    }
  });
});

describe('stoat hash and verify', () => {
  test('hash prints what md5sum, sha1sum and sha256sum print', async () => {
    const directory = await project('hash');
    const result = stoat(directory, ['hash', 'train.py', 'data']);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(lines.map((line) => line.split('  ').pop()), ['data/a.txt', 'data/nested/b.txt', 'train.py']);
    for (const line of lines) {
      const [md5, sha1, sha256, size, path] = line.split('  ');
      const digest = (tool: string) => execFileSync(tool, [path!], { cwd: directory, encoding: 'utf8' }).split(' ')[0];
      assert.deepEqual([md5, sha1, sha256, Number(size)], [digest('md5sum'), digest('sha1sum'), digest('sha256sum'), (await readFile(join(directory, path!))).length]);
    }
  });

  test('a reader that stops early, as head does, ends the output quietly', async () => {
    const directory = await project('early-reader');
    // Far more output than a pipe holds, so most of it is written after the reader has gone.
    await writeFiles(directory, Object.fromEntries(Array.from({ length: 2000 }, (_, index) => [`many/${index}.txt`, `${index}\n`])));
    const result = spawnSync('bash', ['-c', `"$0" "$1" hash many | head -c 100 > /dev/null; echo "stoat exited $\{PIPESTATUS[0]}" >&2`, process.execPath, cli], { cwd: directory, encoding: 'utf8' });
    assert.match(result.stderr, /stoat exited 0/);
    assert.doesNotMatch(result.stderr, /EPIPE|Unhandled/);
  });

  test('verify lists added, removed and modified files against a saved manifest', async () => {
    const directory = await project('verify');
    await writeFiles(directory, { 'out/keep.txt': 'keep\n', 'out/change.txt': 'before\n', 'out/remove.txt': 'remove\n' });
    const saved = stoat(directory, ['save', '--command', 'build out', '--outputs', 'out', '--remote', join(root, 'verify-remote'), '--json']);
    assert.equal(saved.exitCode, 0, saved.stderr);
    const manifest = JSON.parse(saved.stdout).outputs[0].manifest as string;
    const same = stoat(directory, ['verify', 'out', manifest]);
    assert.equal(same.exitCode, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /matches the manifest/);
    await appendFile(join(directory, 'out/change.txt'), 'after\n');
    await unlink(join(directory, 'out/remove.txt'));
    await writeFile(join(directory, 'out/new.txt'), 'new\n');
    const differs = stoat(directory, ['verify', 'out', manifest]);
    assert.equal(differs.exitCode, 1);
    assert.deepEqual(differs.stdout.trim().split('\n'), ['added     new.txt', 'removed   remove.txt', 'modified  change.txt', 'out differs from the manifest: 1 added, 1 removed, 1 modified']);
  });
});

describe('help and version', () => {
  test('every command has help, and --version prints the package version', async () => {
    const packageJson = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8'));
    assert.equal(stoat(root, ['--version']).stdout.trim(), packageJson.version);
    for (const command of ['exec', 'restore', 'save', 'hash', 'verify']) {
      const help = stoat(root, [command, '--help']);
      assert.equal(help.exitCode, 0);
      assert.match(help.stdout, new RegExp(`^Usage: stoat ${command}`));
    }
    const unknown = stoat(root, ['frobnicate']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });
});
