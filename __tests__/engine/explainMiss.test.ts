import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { ObjectMissingError, RemoteError } from '../../src/core/errors.js';
import { planExplicitScope } from '../../src/core/scope.js';
import { type StepReport } from '../../src/core/stepReport.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { objectsUnder, type Remote } from '../../src/remote/remote.js';
import { outputPrefix } from '../../src/store/layout.js';
import { s3rverCredentials, type S3Server } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { CountingRemote } from '../store/countingRemote.js';
import { requiredOperations } from '../helpers/requiredOperations.js';

Object.assign(process.env, s3rverCredentials);

let root: string;
let cases = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('explain-miss');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const script = ['mkdir -p model', 'cat data/*.txt > model/weights.bin # --epochs 10'];

/** A workspace with a step that reads data/ and writes model/, keyed on SEED. */
async function workspace(): Promise<StepDefinition> {
  const directory = join(root, `case-${++cases}`);
  await writeFiles(directory, { 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n', 'train.py': 'print(1)\n' });
  return { workingDirectory: directory, command: script, deps: ['data/', 'train.py'], outputs: ['model'], env: ['SEED'], keyExtra: '' };
}

function context(remote: Remote, seed = 'seed-value-1'): StepContext {
  return { remote, scope: planExplicitScope('pr-7', 'tests'), concurrency: 4, failOnCacheError: false, environment: { ...process.env, SEED: seed } };
}

/** Every field of an explanation that names a difference, with the lists that are empty left out. */
function named(report: StepReport): Record<string, unknown> {
  const explanation = report.explanation!;
  const fields: Record<string, unknown> = {
    command: explanation.command,
    deps: [...explanation.deps.added, ...explanation.deps.removed, ...explanation.deps.changed.map((change) => change.path)],
    env: [...explanation.env.added, ...explanation.env.removed, ...explanation.env.changed],
    key_extra: explanation.key_extra,
    outputs: [...explanation.outputs.added, ...explanation.outputs.removed],
    nothing_saved: explanation.nothing_saved,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== false && (value as unknown[]).length !== 0));
}

function defineExplanationCases(openFresh: () => Promise<Remote>): void {
  test('a first run says it is the first, naming the output', async () => {
    const report = await executeStep(await workspace(), context(await openFresh()), 'auto');
    assert.equal(report.explanation?.kind, 'first-run');
    assert.equal(report.explanation?.reason, 'first run of this step: nothing saved for `model` yet (in scopes pr-7, trusted)');
    assert.equal(report.explanation?.nearest, null);
  });

  test('one changed dep file is named, with its sha256 before and after, and marked changed since last use', async () => {
    const definition = await workspace();
    const remote = await openFresh();
    const first = await executeStep(definition, context(remote), 'auto');
    await writeFile(join(definition.workingDirectory, 'data/b.txt'), 'beta, changed\n');
    const report = await executeStep(definition, context(remote), 'auto');
    assert.equal(report.status, 'miss');
    assert.equal(report.explanation?.reason, 'dep `data/b.txt` changed');
    assert.deepEqual(named(report), { deps: ['data/b.txt'] });
    const before = first.inputs.find((input) => input.path === 'data/b.txt')!.sha256;
    const after = report.inputs.find((input) => input.path === 'data/b.txt')!.sha256;
    assert.deepEqual(report.explanation?.deps.changed, [{ path: 'data/b.txt', before, after }]);
    assert.deepEqual(report.inputs.map((input) => [input.path, input.since_last_use]), [['data/a.txt', undefined], ['data/b.txt', 'changed'], ['train.py', undefined]]);
    assert.equal(report.explanation?.nearest?.key, first.key);
    assert.equal(report.explanation?.nearest?.scope, 'pr-7');
  });

  test('one changed line of the command is named, and nothing else', async () => {
    const definition = await workspace();
    const remote = await openFresh();
    await executeStep(definition, context(remote), 'auto');
    const report = await executeStep({ ...definition, command: [script[0]!, script[1]!.replace('10', '20')] }, context(remote), 'auto');
    assert.equal(report.explanation?.reason, 'line 2 of the command changed');
    assert.deepEqual(named(report), { command: [{ line: 2, before: script[1], after: script[1]!.replace('10', '20') }] });
    assert.ok(report.inputs.every((input) => input.since_last_use === undefined));
  });

  test('one changed env value is named, and its value is written nowhere', async () => {
    const definition = await workspace();
    const remote = await openFresh();
    await executeStep(definition, context(remote, 'secret-seed-1'), 'auto');
    const report = await executeStep(definition, context(remote, 'secret-seed-2'), 'auto');
    assert.equal(report.explanation?.reason, 'env SEED changed');
    assert.deepEqual(named(report), { env: ['SEED'] });
    const manifests = (await objectsUnder(remote, outputPrefix('model'))).filter((object) => object.key.endsWith('.json'));
    for (const manifest of manifests) {
      const text = await (await remote.read(manifest.key)).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
      assert.doesNotMatch(text, /secret-seed/);
      assert.match(text, /"env_sha256":\[\["SEED","[0-9a-f]{64}"\]\]/);
    }
    assert.doesNotMatch(JSON.stringify(report), /secret-seed/);
  });

  test('key-extra and a newly declared output are named; the new output has nothing saved yet', async () => {
    const definition = await workspace();
    const remote = await openFresh();
    await executeStep(definition, context(remote), 'auto');
    const extra = await executeStep({ ...definition, keyExtra: 'v2' }, context(remote), 'auto');
    assert.deepEqual(named(extra), { key_extra: true });
    const more = await executeStep({ ...definition, keyExtra: 'v2', outputs: ['model', 'notes.txt'], command: [...script, 'echo n > notes.txt'] }, context(remote), 'auto');
    assert.equal(more.explanation?.reason, 'line 3 of the command was added; declared outputs changed: `notes.txt` added; nothing saved for `notes.txt` yet');
  });

  test('a result with this key that cannot be restored is the reason itself', async () => {
    const definition = await workspace();
    const remote = await openFresh();
    await executeStep(definition, context(remote), 'auto');
    await rm(join(definition.workingDirectory, 'model'), { recursive: true });
    const report = await restoreOnly(definition, context(damagedReads(remote)));
    assert.equal(report.status, 'miss');
    assert.equal(report.explanation?.kind, 'same-key');
    assert.equal(report.explanation?.reason, report.reason);
  });
}

/** The remote with its reads of blobs and packs failing as a missing object does: manifests still read. */
function damagedReads(inner: Remote): Remote {
  return { ...passThrough(inner), read: (key, range) => (key.includes('/outputs/') ? inner.read(key, range) : Promise.reject(new ObjectMissingError(key))) };
}

/** Every operation of `inner`, capabilities included, as a plain object to change a few of. */
function passThrough(inner: Remote): Remote {
  const remote = requiredOperations(inner);
  if (inner.list !== undefined) remote.list = (prefix) => inner.list!(prefix);
  if (inner.listFirst !== undefined) remote.listFirst = (prefix, count) => inner.listFirst!(prefix, count);
  return remote;
}

describe('explaining a miss on a directory remote', () => {
  defineExplanationCases(async () => new FileRemote(join(root, `remote-${++cases}`)));
});

describe('explaining a miss on S3 (s3rver)', () => {
  let server: S3Server;
  useS3Server((started) => {
    server = started;
  });
  defineExplanationCases(async () => openRemote(`s3://${server.bucket}/explain-${++cases}`, root, { endpoint: server.endpoint, forcePathStyle: true }));

  test('finding the nearest of 1,000 earlier results costs at most 3 requests beyond the restore', async () => {
    const prefix = `budget-${++cases}`;
    const inner = await openRemote(`s3://${server.bucket}/${prefix}`, root, { endpoint: server.endpoint, forcePathStyle: true });
    const definition = await workspace();
    // The newest earlier result is a real save into trusted; 999 older ones are seeded beside it.
    const trusted: StepContext = { ...context(inner), scope: planExplicitScope('trusted', 'tests') };
    const newest = await executeStep(definition, trusted, 'auto');
    const seeded: string[] = [];
    for (let index = 1; index < 1000; index++) {
      const key = index.toString(16).padStart(64, '0');
      seeded.push(`${prefix}/stoat/v1/outputs/model/${key}/trusted/${'a'.repeat(64)}.json`);
      seeded.push(`${prefix}/stoat/v1/outputs/model/index/trusted/${String(9_000_000_000_000 + index).padStart(13, '0')}-${key}-${'a'.repeat(64)}`);
    }
    await server.seedObjects(seeded, '{}');
    await writeFile(join(definition.workingDirectory, 'data/a.txt'), 'alpha, changed\n');

    const baseline = new CountingRemote(inner);
    const lookupOnly = await restoreOnly(definition, context(withoutExplanation(baseline)));
    assert.equal(lookupOnly.status, 'miss');
    const remote = new CountingRemote(inner);
    const report = await restoreOnly(definition, context(remote));
    assert.equal(report.explanation?.reason, 'dep `data/a.txt` changed');
    assert.equal(report.explanation?.nearest?.key, newest.key);
    assert.ok(remote.total - baseline.total <= 3, `${remote.total} requests against ${baseline.total} for the restore alone: ${JSON.stringify(remote.counts)}`);
    // Listing the index in each scope read and reading one manifest: not one listing of the 1,000 manifests.
    assert.deepEqual([remote.total - baseline.total, remote.counts.read], [3, 1]);
  });

  test('a remote that fails while explaining leaves the miss a miss, and the explanation says why', async () => {
    const inner = await openRemote(`s3://${server.bucket}/failing-${++cases}`, root, { endpoint: server.endpoint, forcePathStyle: true });
    const definition = await workspace();
    await executeStep(definition, context(inner), 'auto');
    await writeFile(join(definition.workingDirectory, 'train.py'), 'print(2)\n');
    const report = await executeStep(definition, context(failingIndex(inner)), 'auto');
    assert.equal(report.status, 'miss');
    assert.equal(report.ran, true);
    assert.equal(report.explanation?.kind, 'unknown');
    assert.match(report.explanation!.reason, /^why it missed could not be found: .*listing refused/);
    // The index cannot be written either: the save stands, with a warning that says what it costs.
    assert.equal(report.outputs[0]!.status, 'saved');
    assert.ok(report.warnings.some((warning) => /not added to the index of saves .*listing refused/.test(warning)), report.warnings.join('\n'));
  });
});

/** Fails every request under an index folder, as a remote that is down there would. */
function failingIndex(inner: Remote): Remote {
  const refused = (): Promise<never> => Promise.reject(new RemoteError('listing refused', inner.display));
  return {
    ...passThrough(inner),
    listFirst: (prefix, count) => (prefix.includes('/index/') ? refused() : inner.listFirst!(prefix, count)),
    writeIfAbsent: (key, source, contentAddressed) => (key.includes('/index/') ? refused() : inner.writeIfAbsent(key, source, contentAddressed)),
  };
}

/** What the restore alone costs: the explanation's listings answer nothing here, and are not counted. */
function withoutExplanation(counted: Remote): Remote {
  return { ...passThrough(counted), listFirst: () => Promise.resolve([]), list: (prefix) => (prefix.endsWith('/model/') ? Promise.resolve([]) : counted.list!(prefix)) };
}

test('the report of a miss parses back as the post step checks it', async () => {
  const { stepReportProblem } = await import('../../src/core/stepReportShape.js');
  const report = await executeStep(await workspace(), context(new FileRemote(join(root, 'shape'))), 'auto');
  assert.equal(stepReportProblem(JSON.parse(JSON.stringify(report))), undefined);
  assert.match(stepReportProblem({ ...report, explanation: { kind: 'other' } }) ?? '', /explanation/);
});
