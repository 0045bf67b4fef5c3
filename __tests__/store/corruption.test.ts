import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { prepareStep } from '../../src/engine/prepareStep.js';
import { restoreStep } from '../../src/engine/restoreStep.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { packMemberLimit } from '../../src/store/transferPlan.js';
import { type S3Server, s3rverCredentials } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { describeTree, makeTemporaryDirectory, readLines, sha256Of, writeFiles } from '../helpers/workspace.js';

// The S3 remote takes its credentials from the SDK's default chain, as on a runner.
Object.assign(process.env, s3rverCredentials);

/** One remote, and a way to see and damage its objects that does not go through stoat. */
interface Bench {
  remote: Remote;
  /** Object keys below the remote's root, sorted. */
  keys(): Promise<string[]>;
  read(key: string): Promise<Buffer>;
  overwrite(key: string, bytes: Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
  /** What changes when an object is written again, even with the same bytes. */
  stamp(key: string): Promise<string>;
}

interface BenchKind {
  name: string;
  /** How long to wait so that a write shows in `stamp`: S3 times objects to the second. */
  stampResolutionMs: number;
  open(workspace: string): Promise<Bench>;
}

/** Large enough to be a blob of its own; the two small files share one pack. */
const weights = randomBytes(packMemberLimit + 1000);
const sourceFiles = { 'source/weights.bin': weights, 'source/b.txt': randomBytes(3000), 'source/notes/a.txt': randomBytes(2000) };
/** What the workspace held before: a refused restore must leave exactly this. */
const oldOutput = { 'model/weights.bin': 'old weights\n', 'model/b.txt': 'old b\n', 'model/notes/a.txt': 'old a\n', 'model/old.txt': 'only in the old output\n' };

let root: string;
let caseCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('corruption');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Step {
  workspace: string;
  runsLog: string;
  bench: Bench;
  context: StepContext;
  definition: StepDefinition;
}

/** A deterministic step (it copies its sources), so a run after damage produces the same objects. */
async function setUpStep(kind: BenchKind, output = 'model'): Promise<Step> {
  const directory = join(root, `case-${++caseCount}`);
  const workspace = join(directory, 'workspace');
  await writeFiles(workspace, sourceFiles);
  const bench = await kind.open(workspace);
  const context: StepContext = { remote: bench.remote, scope: planExplicitScope('local', 'tests run as the CLI does'), concurrency: 4, failOnCacheError: false, environment: { ...process.env } };
  const command = ['echo ran >> ../runs.log', `rm -rf ${output}`, `cp -R source ${output}`];
  return { workspace, runsLog: join(directory, 'runs.log'), bench, context, definition: { workingDirectory: workspace, command, deps: ['source'], outputs: [output], env: [], keyExtra: '' } };
}

async function putOldOutput(step: Step): Promise<void> {
  await rm(join(step.workspace, 'model'), { recursive: true, force: true });
  await writeFiles(step.workspace, oldOutput);
}

async function stamps(bench: Bench, keys: readonly string[]): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await bench.stamp(key)] as const)));
}

const flipMiddleByte = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[copy.length >> 1]! ^= 0xff;
  return copy;
};

/** One kind of damage: which object it hits, what it does to it, and how the reason must read. */
const damages: { label: string; object: 'blob' | 'pack'; damage: ((bytes: Buffer) => Buffer) | 'remove'; problem: RegExp }[] = [
  { label: 'a flipped byte in a blob', object: 'blob', damage: flipMiddleByte, problem: /does not match its sha256 .*the object is damaged/ },
  { label: 'a flipped byte in a pack', object: 'pack', damage: flipMiddleByte, problem: /does not match its sha256 .*the object is damaged/ },
  { label: 'a truncated blob', object: 'blob', damage: (bytes) => bytes.subarray(0, bytes.length >> 1), problem: /holds \d+ bytes where the manifest gives \d+|shorter/ },
  { label: 'a truncated pack', object: 'pack', damage: (bytes) => bytes.subarray(0, bytes.length >> 1), problem: /holds \d+ bytes where the manifest gives \d+|shorter/ },
  { label: 'a longer blob', object: 'blob', damage: (bytes) => Buffer.concat([bytes, Buffer.from('trailing bytes')]), problem: /holds more bytes than the \d+ the manifest gives/ },
  { label: 'a missing blob', object: 'blob', damage: 'remove', problem: /is missing from the remote/ },
  { label: 'a missing pack', object: 'pack', damage: 'remove', problem: /is missing from the remote/ },
];

function defineCorruptionCases(kind: BenchKind): void {
  for (const { label, object, damage, problem } of damages) {
    test(`${label}: a miss naming it, the old output kept, the command runs and its save repairs the entry`, async () => {
      const step = await setUpStep(kind);
      const first = await executeStep(step.definition, step.context, 'auto');
      assert.equal(first.outputs[0]!.status, 'saved', `the first run saves: ${first.save}`);
      const saved = await describeTree(join(step.workspace, 'model'));
      const objects = (await step.bench.keys()).filter((key) => !key.includes('/outputs/'));
      const target = objects.filter((key) => key.includes(`/${object}s/`));
      assert.equal(target.length, 1, `one ${object} holds the output: ${objects.join(', ')}`);
      const key = target[0]!;
      const others = objects.filter((other) => other !== key);
      const othersBefore = await stamps(step.bench, others);
      await delay(kind.stampResolutionMs);

      if (damage === 'remove') await step.bench.remove(key);
      else await step.bench.overwrite(key, damage(await step.bench.read(key)));
      await putOldOutput(step);
      const before = await describeTree(step.workspace);
      const refused = await restoreStep(await prepareStep(step.definition, step.context.environment), step.context);
      assert.equal(refused.status, 'miss', `damage is a miss, not ${refused.status}: ${refused.reason}`);
      assert.ok(refused.reason.includes(key), `the reason names the object ${key}: ${refused.reason}`);
      assert.match(refused.reason, problem, 'the reason says what is wrong with the object');
      assert.deepEqual(await describeTree(step.workspace), before, 'the old output stays byte for byte, with no staging folder left');
      if (damage !== 'remove') assert.deepEqual(refused.damaged_objects, [key], 'the damaged object is listed for the next save to replace');

      const rerun = await executeStep(step.definition, step.context, 'auto');
      assert.equal(rerun.status, 'miss', `the run after the damage misses: ${rerun.reason}`);
      assert.equal(rerun.ran, true, 'the command runs on that miss');
      assert.deepEqual(await readLines(step.runsLog), ['ran', 'ran'], 'the command ran once more');
      assert.equal(rerun.outputs[0]!.status, 'saved', `the save of that run repairs the entry, got ${rerun.outputs[0]!.status}: ${rerun.save}`);
      assert.equal(sha256Of(await step.bench.read(key)), basename(key), `${key} holds bytes that match its name again`);
      assert.deepEqual(await stamps(step.bench, others), othersBefore, 'objects that were intact are never written again');

      await putOldOutput(step);
      const next = await executeStep(step.definition, step.context, 'auto');
      assert.equal(next.status, 'hit', `the next run restores the repaired entry: ${next.reason}`);
      assert.deepEqual(await describeTree(join(step.workspace, 'model')), saved, 'the restored output has the saved bytes and modes');
      assert.deepEqual(await readLines(step.runsLog), ['ran', 'ran'], 'the command did not run on the hit');
    });
  }

  test('an object whose bytes match its name is never written again, by this step or another with the same files', async () => {
    const step = await setUpStep(kind);
    const first = await executeStep(step.definition, step.context, 'auto');
    assert.equal(first.outputs[0]!.status, 'saved', `the first run saves: ${first.save}`);
    const objects = (await step.bench.keys()).filter((key) => !key.includes('/outputs/'));
    assert.equal(objects.length, 2, `one blob and one pack: ${objects.join(', ')}`);
    const stored = await stamps(step.bench, objects);
    await delay(kind.stampResolutionMs);

    const again = await saveOnly(step.definition, step.context, { policy: 'always', runMs: null });
    assert.equal(again.outputs[0]!.status, 'already-saved', `saving the same result again writes nothing: ${again.save}`);
    // Another output with the same files finds no earlier manifest of its own, so every object
    // goes through the put-if-absent path and must be found present.
    const copy = { ...step.definition, outputs: ['copy'], command: ['rm -rf copy', 'cp -R source copy'] };
    const other = await executeStep(copy, step.context, 'auto');
    assert.equal(other.outputs[0]!.status, 'saved', `the other output gets a manifest of its own: ${other.save}`);
    assert.equal(other.outputs[0]!.transferred_bytes, 0, 'none of its bytes travel: the objects are there');
    assert.deepEqual((await step.bench.keys()).filter((key) => !key.includes('/outputs/')), objects, 'no object was added');
    assert.deepEqual(await stamps(step.bench, objects), stored, 'no object was written again');
  });
}

describe('corruption on a directory remote', () => {
  defineCorruptionCases({
    name: 'directory',
    stampResolutionMs: 20,
    async open(workspace) {
      const remoteRoot = join(workspace, '..', 'remote');
      return {
        remote: await openRemote(remoteRoot, workspace),
        keys: async () => Object.keys(await describeTree(remoteRoot).catch(() => ({}))).filter((path) => /[0-9a-f]{64}(\.json)?$/.test(path)).sort(),
        read: (key) => readFile(join(remoteRoot, key)),
        overwrite: (key, bytes) => writeFile(join(remoteRoot, key), bytes),
        remove: (key) => rm(join(remoteRoot, key)),
        async stamp(key) {
          const status = await stat(join(remoteRoot, key));
          // A rewrite by rename or link changes the inode; one in place changes the time.
          return `${status.ino}:${status.mtimeMs}`;
        },
      };
    },
  });
});

describe('corruption on S3 (s3rver)', () => {
  let server: S3Server;
  let inspector: S3Client;
  useS3Server((started, client) => {
    server = started;
    inspector = client;
  });

  defineCorruptionCases({
    name: 's3',
    // Last-Modified has whole seconds: a rewrite within the same second would not show.
    stampResolutionMs: 1100,
    async open(workspace) {
      const prefix = `${basename(join(workspace, '..'))}/`;
      const bucket = (): string => server.bucket;
      return {
        remote: await openRemote(`s3://${server.bucket}/${prefix}`, workspace, { endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' }),
        async keys() {
          const keys: string[] = [];
          let token: string | undefined;
          do {
            const page = await inspector.send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix, ContinuationToken: token }));
            keys.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length)));
            token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
          } while (token !== undefined);
          return keys.sort();
        },
        async read(key) {
          const response = await inspector.send(new GetObjectCommand({ Bucket: bucket(), Key: prefix + key }));
          return Buffer.from(await response.Body!.transformToByteArray());
        },
        async overwrite(key, bytes) {
          await inspector.send(new PutObjectCommand({ Bucket: bucket(), Key: prefix + key, Body: bytes }));
        },
        async remove(key) {
          await inspector.send(new DeleteObjectCommand({ Bucket: bucket(), Key: prefix + key }));
        },
        async stamp(key) {
          const head = await inspector.send(new HeadObjectCommand({ Bucket: bucket(), Key: prefix + key }));
          return `${head.LastModified?.toISOString() ?? 'no date'} ${head.ETag ?? 'no etag'}`;
        },
      };
    },
  });
});
