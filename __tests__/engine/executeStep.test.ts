import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, test } from '@jest/globals';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RemoteConfigurationError } from '../../src/core/errors.js';
import { planExplicitScope } from '../../src/core/scope.js';
import { CacheFailure } from '../../src/core/errors.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { prepareStep } from '../../src/engine/prepareStep.js';
import { restoreStep } from '../../src/engine/restoreStep.js';
import { saveStep } from '../../src/engine/saveStep.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { blobKey, manifestKey, outputPrefix, packKey } from '../../src/store/layout.js';
import { packMemberLimit } from '../../src/store/transferPlan.js';
import { closedPort, type S3Server, s3rverCredentials } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { describeTree, listFilePaths, makeTemporaryDirectory, readLines, type TreeRecord, writeFiles } from '../helpers/workspace.js';

// The S3 remote takes its credentials from the SDK's default chain, as on a runner.
Object.assign(process.env, s3rverCredentials);

/** One remote for one test case, with a way to see and tamper with its objects that bypasses stoat. */
interface Bench {
  remote: Remote;
  /** Every object key under the remote's root, sorted, read without going through the Remote. */
  keys(): Promise<string[]>;
  overwrite(key: string, bytes: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

interface RemoteKind {
  name: string;
  open(caseName: string, caseDirectory: string, workspace: string): Promise<Bench>;
}

/** A test case's folders: the workspace the step runs in and, beside it, the log of its runs. */
interface Case {
  workspace: string;
  /** Outside the outputs: the script appends a line per run, so a restored step shows it did not run. */
  runsLog: string;
  bench: Bench;
  context: StepContext;
}

const scope = 'local';
/** Large enough to be stored as a blob of its own; the other files go in packs. */
const weightsSize = packMemberLimit + 1000;
const launcher = '#!/bin/sh\necho hello\n';

/** A step that writes a directory output (with an executable and a private file) and a file output. */
const producingScript = [
  'echo ran >> ../runs.log',
  'mkdir -p model/notes',
  `head -c ${weightsSize} /dev/urandom > model/weights.bin`,
  "printf '#!/bin/sh\\necho hello\\n' > model/run.sh",
  'chmod 755 model/run.sh',
  'echo private > model/notes/secret.txt',
  'chmod 600 model/notes/secret.txt',
  `echo '{"acc":1}' > metrics.json`,
];
const modelBytes = weightsSize + launcher.length + 'private\n'.length;
const metricsBytes = '{"acc":1}\n'.length;

const caseDirectories: string[] = [];

afterAll(async () => {
  await Promise.all(caseDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function setUpCase(kind: RemoteKind, caseName: string): Promise<Case> {
  const directory = await makeTemporaryDirectory('engine');
  caseDirectories.push(directory);
  const workspace = join(directory, 'workspace');
  await writeFiles(workspace, { 'input.txt': 'corpus v1\n' });
  const bench = await kind.open(caseName, directory, workspace);
  return {
    workspace,
    runsLog: join(directory, 'runs.log'),
    bench,
    context: { remote: bench.remote, scope: planExplicitScope(scope, 'tests run as the CLI does'), concurrency: 4, failOnCacheError: false, environment: { ...process.env } },
  };
}

function defineStep(workspace: string, command: string[] = producingScript): StepDefinition {
  return { workingDirectory: workspace, command, deps: ['input.txt'], outputs: ['model', 'metrics.json'], env: [], keyExtra: '' };
}

async function removeOutputs(workspace: string): Promise<void> {
  await rm(join(workspace, 'model'), { recursive: true, force: true });
  await rm(join(workspace, 'metrics.json'), { force: true });
}

/** Writes outputs as a non-deterministic command would: fresh random weights on every call. */
async function writeRandomOutputs(workspace: string, label: string): Promise<void> {
  await removeOutputs(workspace);
  await writeFiles(workspace, {
    'model/weights.bin': randomBytes(weightsSize),
    'model/run.sh': { content: launcher, mode: 0o755 },
    'metrics.json': `{"run":"${label}"}\n`,
  });
}

function fileRecord(tree: Record<string, TreeRecord>, path: string): Extract<TreeRecord, { kind: 'file' }> {
  const record = tree[path];
  assert.ok(record !== undefined && record.kind === 'file', `${path} should be a file`);
  return record;
}

function statuses(report: { outputs: { path: string; status: string }[] }): [string, string][] {
  return report.outputs.map((output) => [output.path, output.status]);
}

function defineEngineCases(kind: RemoteKind): void {
  test('a miss runs the command and saves; the next run restores the same bytes and modes without running it', async () => {
    const step = await setUpCase(kind, 'hit-after-save');
    const definition = defineStep(step.workspace);

    const first = await executeStep(definition, step.context, 'auto');
    assert.equal(first.status, 'miss');
    assert.equal(first.ran, true);
    assert.equal(first.exit_code, 0);
    assert.equal(first.save, `saved into scope "${scope}"`);
    assert.deepEqual(statuses(first), [['model', 'saved'], ['metrics.json', 'saved']]);
    assert.deepEqual(first.outputs.map((output) => [output.files, output.bytes, output.transferred_bytes]), [[3, modelBytes, modelBytes], [1, metricsBytes, metricsBytes]]);
    const produced = await describeTree(step.workspace);
    assert.equal(fileRecord(produced, 'model/run.sh').mode, 0o755);
    assert.equal(fileRecord(produced, 'model/notes/secret.txt').mode, 0o600);

    await removeOutputs(step.workspace);
    const second = await executeStep(definition, step.context, 'auto');
    assert.equal(second.status, 'hit', second.reason);
    assert.equal(second.key, first.key);
    assert.equal(second.ran, false);
    assert.equal(second.exit_code, null);
    assert.equal(second.restored_scope, scope);
    assert.deepEqual(statuses(second), [['model', 'restored'], ['metrics.json', 'restored']]);
    assert.deepEqual(second.outputs.map((output) => output.tree), first.outputs.map((output) => output.tree));
    // Nothing was on disk, so every byte came from the remote.
    assert.deepEqual(second.outputs.map((output) => output.transferred_bytes), [modelBytes, metricsBytes]);
    assert.deepEqual(await describeTree(step.workspace), produced);
    assert.deepEqual(await readLines(step.runsLog), ['ran']);
  });

  test('of two saves under one key, restore takes the newest, and all outputs from one save', async () => {
    const step = await setUpCase(kind, 'two-results');
    const definition = defineStep(step.workspace, ['echo "a non-deterministic command: the test writes its outputs"']);
    const prepared = await prepareStep(definition, step.context.environment);
    const missed = await restoreStep(prepared, step.context);
    assert.equal(missed.status, 'miss');

    await writeRandomOutputs(step.workspace, 'older');
    const olderTree = await describeTree(step.workspace);
    const older = await saveStep(definition, missed, step.context, { policy: 'always', runMs: 5 });
    // provenance.created has millisecond resolution: two saves in one millisecond would tie.
    await delay(20);
    await writeRandomOutputs(step.workspace, 'newer');
    const newerTree = await describeTree(step.workspace);
    const newer = await saveStep(definition, missed, step.context, { policy: 'always', runMs: 5 });
    assert.deepEqual(statuses(older), [['model', 'saved'], ['metrics.json', 'saved']]);
    assert.deepEqual(statuses(newer), [['model', 'saved'], ['metrics.json', 'saved']]);
    assert.notEqual(newer.outputs[0]!.tree, older.outputs[0]!.tree);
    assert.notEqual(newer.outputs[1]!.tree, older.outputs[1]!.tree);

    await removeOutputs(step.workspace);
    const restored = await restoreStep(prepared, step.context);
    assert.equal(restored.status, 'hit', restored.reason);
    assert.deepEqual(restored.outputs.map((output) => output.tree), newer.outputs.map((output) => output.tree));
    assert.deepEqual(await describeTree(step.workspace), newerTree);

    // With the newer save's metrics gone, that save is incomplete: the newer model must not be
    // paired with the older metrics, a result that no run ever produced.
    await step.bench.remove(manifestKey('metrics.json', prepared.key, scope, newer.outputs[1]!.tree!));
    const fallback = await restoreStep(prepared, step.context);
    assert.equal(fallback.status, 'hit', fallback.reason);
    assert.deepEqual(fallback.outputs.map((output) => output.tree), older.outputs.map((output) => output.tree));
    assert.deepEqual(await describeTree(step.workspace), olderTree);
  });

  test('a changed dep changes the key: a miss that runs the command again', async () => {
    const step = await setUpCase(kind, 'dep-change');
    const definition = defineStep(step.workspace);
    const first = await executeStep(definition, step.context, 'auto');
    assert.equal(first.status, 'miss');

    await writeFiles(step.workspace, { 'input.txt': 'corpus v2\n' });
    const second = await executeStep(definition, step.context, 'auto');
    assert.equal(second.status, 'miss');
    assert.notEqual(second.key, first.key);
    assert.match(second.reason, /no saved result for this key/);
    assert.equal(second.ran, true);
    assert.deepEqual(await readLines(step.runsLog), ['ran', 'ran']);
    assert.deepEqual(statuses(second), [['model', 'saved'], ['metrics.json', 'saved']]);

    // Back to the first content: back to the first key, which is saved.
    await writeFiles(step.workspace, { 'input.txt': 'corpus v1\n' });
    const third = await executeStep(definition, step.context, 'auto');
    assert.equal(third.status, 'hit', third.reason);
    assert.equal(third.key, first.key);
    assert.deepEqual(await readLines(step.runsLog), ['ran', 'ran']);
  });

  test('saving unchanged outputs again uploads nothing and leaves the remote as it was', async () => {
    const step = await setUpCase(kind, 'unchanged-save');
    const definition = defineStep(step.workspace, ['echo "outputs written by the test"']);
    const prepared = await prepareStep(definition, step.context.environment);
    const missed = await restoreStep(prepared, step.context);
    await writeRandomOutputs(step.workspace, 'only');
    const tree = await describeTree(step.workspace);

    const first = await saveStep(definition, missed, step.context, { policy: 'always', runMs: 5 });
    assert.deepEqual(statuses(first), [['model', 'saved'], ['metrics.json', 'saved']]);
    assert.deepEqual(first.outputs.map((output) => output.transferred_bytes), first.outputs.map((output) => output.bytes));
    const expectedKeys = [
      blobKey(fileRecord(tree, 'model/weights.bin').sha256),
      // A pack of one member holds exactly that member's bytes, so it has the member's sha256.
      packKey(fileRecord(tree, 'model/run.sh').sha256),
      packKey(fileRecord(tree, 'metrics.json').sha256),
      manifestKey('model', prepared.key, scope, first.outputs[0]!.tree!),
      manifestKey('metrics.json', prepared.key, scope, first.outputs[1]!.tree!),
    ].sort();
    const saved = await step.bench.keys();
    // Each new save also adds an entry to its output's index of saves, after the manifest.
    const indexed = saved.filter((key) => key.includes('/index/'));
    assert.deepEqual(indexed.map((key) => key.split('/index/')[0]), [outputPrefix('model').slice(0, -1), outputPrefix('metrics.json').slice(0, -1)].sort());
    assert.deepEqual(saved.filter((key) => !indexed.includes(key)), expectedKeys);

    await delay(5);
    const second = await saveStep(definition, missed, step.context, { policy: 'always', runMs: 5 });
    assert.equal(second.status, 'miss');
    assert.equal(second.save, `saved into scope "${scope}"`);
    assert.deepEqual(statuses(second), [['model', 'already-saved'], ['metrics.json', 'already-saved']]);
    assert.deepEqual(second.outputs.map((output) => output.transferred_bytes), [0, 0]);
    assert.deepEqual(second.outputs.map((output) => output.tree), first.outputs.map((output) => output.tree));
    assert.deepEqual(await step.bench.keys(), saved);
  });

  test('restoring over a different output replaces it exactly and downloads only what differs', async () => {
    const step = await setUpCase(kind, 'restore-over');
    const definition = defineStep(step.workspace);
    await executeStep(definition, step.context, 'auto');
    const saved = await describeTree(step.workspace);

    // A changed file, an extra file, an extra folder and a file with only its mode changed.
    await writeFiles(step.workspace, {
      'model/weights.bin': randomBytes(weightsSize),
      'model/extra.txt': 'not part of the result\n',
      'model/stale/old.bin': randomBytes(1000),
    });
    await chmod(join(step.workspace, 'model/run.sh'), 0o644);
    const second = await executeStep(definition, step.context, 'auto');
    assert.equal(second.status, 'hit', second.reason);
    assert.deepEqual(await describeTree(step.workspace), saved);
    // Only the changed weights travel: run.sh, secret.txt and metrics.json were already right.
    assert.deepEqual(second.outputs.map((output) => output.transferred_bytes), [weightsSize, 0]);
    assert.deepEqual(await readLines(step.runsLog), ['ran']);
  });

  test('a failing command reports its exit code and saves nothing', async () => {
    const step = await setUpCase(kind, 'failing-command');
    const definition = defineStep(step.workspace, [...producingScript, 'exit 3']);
    const report = await executeStep(definition, step.context, 'always');
    assert.equal(report.status, 'miss');
    assert.equal(report.ran, true);
    assert.equal(report.exit_code, 3);
    assert.equal(report.save, 'skipped: the command failed with exit code 3');
    assert.deepEqual(statuses(report), [['model', 'not-saved'], ['metrics.json', 'not-saved']]);
    assert.deepEqual(await step.bench.keys(), []);
  });

  test('an output the command did not produce stops the save before anything is written', async () => {
    const step = await setUpCase(kind, 'missing-output');
    const definition = defineStep(step.workspace, ['echo ran >> ../runs.log', 'mkdir -p model', 'head -c 5000 /dev/urandom > model/weights.bin']);
    await assert.rejects(executeStep(definition, step.context, 'auto'), (error: Error) => {
      assert.equal(error.name, 'UsageError');
      assert.match(error.message, /output "metrics\.json" was not produced/);
      return true;
    });
    assert.deepEqual(await readLines(step.runsLog), ['ran']);
    assert.deepEqual(await step.bench.keys(), []);
  });

  test('a damaged blob is a miss with the reason; the workspace stays as it was and the command runs', async () => {
    const step = await setUpCase(kind, 'damaged-blob');
    const definition = defineStep(step.workspace);
    await executeStep(definition, step.context, 'auto');
    const weights = fileRecord(await describeTree(step.workspace), 'model/weights.bin');
    // Same length, other bytes: only the sha256 check can tell.
    await step.bench.overwrite(blobKey(weights.sha256), Buffer.alloc(weightsSize, 7));

    await removeOutputs(step.workspace);
    await writeFiles(step.workspace, { 'model/weights.bin': 'old weights\n', 'model/old.txt': 'old\n', 'metrics.json': '{"acc":0}\n' });
    const before = await describeTree(step.workspace);
    const prepared = await prepareStep(definition, step.context.environment);
    const restored = await restoreStep(prepared, step.context);
    assert.equal(restored.status, 'miss');
    assert.match(restored.reason, /could not be restored: .*weights\.bin.*damaged/);
    assert.ok(restored.warnings.includes(restored.reason), 'a damaged entry is shown as a warning');
    assert.deepEqual(await describeTree(step.workspace), before);

    const report = await executeStep(definition, step.context, 'auto');
    assert.equal(report.status, 'miss');
    assert.equal(report.ran, true);
    assert.match(report.reason, /damaged/);
    assert.deepEqual(await readLines(step.runsLog), ['ran', 'ran']);
  });

  test(
    'a save over a damaged blob of a deterministic output repairs it, so the next run is a hit',
    async () => {
      const step = await setUpCase(kind, 'damaged-deterministic');
      const deterministic = ['echo ran >> ../runs.log', 'mkdir -p model', `head -c ${weightsSize} /dev/zero > model/weights.bin`, `echo '{"acc":1}' > metrics.json`];
      const definition = defineStep(step.workspace, deterministic);
      await executeStep(definition, step.context, 'auto');
      const weights = fileRecord(await describeTree(step.workspace), 'model/weights.bin');
      await step.bench.overwrite(blobKey(weights.sha256), Buffer.alloc(weightsSize, 7));
      // Without the outputs on disk the restore must read the damaged blob.
      await removeOutputs(step.workspace);
      const rerun = await executeStep(definition, step.context, 'auto');
      assert.equal(rerun.status, 'miss');
      assert.match(rerun.reason, /damaged/);
      assert.equal(rerun.ran, true);
      await removeOutputs(step.workspace);
      const next = await executeStep(definition, step.context, 'auto');
      assert.equal(next.status, 'hit', next.reason);
    },
  );
}

/** A file remote in the case's folder, beside the workspace, opened from `url(remoteDirectory)`. */
function fileKind(name: string, url: (remoteDirectory: string) => string): RemoteKind {
  return {
    name,
    async open(_caseName, caseDirectory, workspace) {
      const root = join(caseDirectory, 'remote');
      return {
        remote: await openRemote(url(root), workspace),
        keys: () => listFilePaths(root),
        overwrite: (key, bytes) => writeFile(join(root, key), bytes),
        remove: (key) => rm(join(root, key)),
      };
    },
  };
}

describe('executeStep with a file remote given as a relative path', () => {
  // Relative to the working directory, as a user would write `--remote ../cache`.
  defineEngineCases(fileKind('relative path', () => '../remote'));
});

describe('executeStep with a file remote given as a file:// URL', () => {
  defineEngineCases(fileKind('file URL', (root) => pathToFileURL(root).href));
});

describe('executeStep with an S3 remote (s3rver)', () => {
  let server: S3Server;
  /** A client of our own, so that what the tests see in the bucket does not depend on S3Remote. */
  let inspector: S3Client;

  useS3Server((started, client) => {
    server = started;
    inspector = client;
  });

  const s3Options = (): { endpoint: string; forcePathStyle: boolean; region: string } => ({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });

  const s3Kind: RemoteKind = {
    name: 's3',
    async open(caseName, _caseDirectory, workspace) {
      // One prefix per case keeps the cases apart in the one bucket.
      const prefix = `some/prefix/${caseName}/`;
      return {
        remote: await openRemote(`s3://${server.bucket}/${prefix}`, workspace, s3Options()),
        async keys() {
          const keys: string[] = [];
          let continuationToken: string | undefined;
          do {
            const page = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix, ContinuationToken: continuationToken }));
            for (const object of page.Contents ?? []) keys.push(object.Key!.slice(prefix.length));
            continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
          } while (continuationToken !== undefined);
          return keys.sort();
        },
        async overwrite(key, bytes) {
          await inspector.send(new PutObjectCommand({ Bucket: server.bucket, Key: prefix + key, Body: bytes }));
        },
        async remove(key) {
          await inspector.send(new DeleteObjectCommand({ Bucket: server.bucket, Key: prefix + key }));
        },
      };
    },
  };

  defineEngineCases(s3Kind);

  test('a bucket that does not exist is named in an error before the command runs', async () => {
    const step = await setUpCase(s3Kind, 'missing-bucket');
    const remote = await openRemote('s3://stoat-no-such-bucket/some/prefix', step.workspace, s3Options());
    await assert.rejects(executeStep(defineStep(step.workspace), { ...step.context, remote }, 'auto'), (error: Error) => {
      assert.ok(error instanceof RemoteConfigurationError, `expected a RemoteConfigurationError, got ${error.name}: ${error.message}`);
      assert.match(error.message, /bucket "stoat-no-such-bucket" does not exist/);
      return true;
    });
    assert.deepEqual(await readLines(step.runsLog), []);
  });

  describe('an unreachable endpoint', () => {
    async function unreachableCase(caseName: string, failOnCacheError: boolean): Promise<Case & { started: number }> {
      const step = await setUpCase(s3Kind, caseName);
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const remote = await openRemote(`s3://${server.bucket}/some/prefix`, step.workspace, { endpoint, forcePathStyle: true, region: 'us-east-1' });
      return { ...step, context: { ...step.context, remote, failOnCacheError }, started: performance.now() };
    }

    test('is an error with a warning, and the command still runs', async () => {
      const step = await unreachableCase('unreachable', false);
      const report = await executeStep(defineStep(step.workspace), step.context, 'auto');
      const elapsed = performance.now() - step.started;
      assert.equal(report.status, 'error');
      assert.match(report.warnings[0] ?? '', new RegExp(`^the remote failed while restoring: could not list s3://${server.bucket}/some/prefix/stoat/v1/outputs/`));
      assert.equal(report.ran, true);
      assert.equal(report.exit_code, 0);
      assert.match(report.save, /^failed: could not /);
      assert.deepEqual(await readLines(step.runsLog), ['ran']);
      assert.ok(elapsed < 15_000, `an unreachable remote took ${Math.round(elapsed)} ms`);
    });

    test('fails the step with CacheFailure under fail-on-cache-error, before the command runs', async () => {
      const step = await unreachableCase('unreachable-fail', true);
      await assert.rejects(executeStep(defineStep(step.workspace), step.context, 'auto'), (error: Error) => {
        assert.ok(error instanceof CacheFailure, `expected a CacheFailure, got ${error.name}: ${error.message}`);
        assert.match(error.message, /fail-on-cache-error is set/);
        return true;
      });
      assert.deepEqual(await readLines(step.runsLog), []);
    });
  });
});
