import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { downloadPartSize, packMaximumBytes, packMemberLimit, rangedDownloadThreshold } from '../../src/store/transferPlan.js';
import { inspectorClient, type S3Server, s3rverCredentials, startS3Server } from '../helpers/s3Server.js';
import { describeTree, listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { CountingRemote } from './countingRemote.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';

Object.assign(process.env, s3rverCredentials);

let root: string;
let caseCount = 0;

/** A fresh workspace whose step makes the output folder `data` by copying `files` from `source`. */
async function workspaceWith(files: Record<string, Uint8Array | string>): Promise<{ workspace: string; definition: StepDefinition }> {
  const workspace = join(root, `case-${++caseCount}`);
  await writeFiles(workspace, Object.fromEntries(Object.entries(files).map(([path, content]) => [`source/${path}`, content])));
  await writeFiles(workspace, Object.fromEntries(Object.entries(files).map(([path, content]) => [`data/${path}`, content])));
  const command = ['rm -rf data', 'cp -R source data'];
  return { workspace, definition: { workingDirectory: workspace, command, deps: [], outputs: ['data'], env: [], keyExtra: `case ${caseCount}` } };
}

function context(remote: Remote): StepContext {
  return { remote, scope: planExplicitScope('local', 'tests'), concurrency: 8, failOnCacheError: false, environment: process.env };
}

/** Many small files of random sizes: what image sets and shards look like. */
function smallFiles(count: number, seed: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (let index = 0; index < count; index++) {
    const size = 1000 + (createHash('sha256').update(`${seed}${index}`).digest().readUInt32BE(0) % 60_000);
    files[`shard-${String(index % 7)}/item-${String(index).padStart(5, '0')}.bin`] = randomBytes(size);
  }
  return files;
}

function defineTransferCases(kindName: string, openFresh: () => Promise<Remote>, objectKeys: () => Promise<string[]>, damage: (key: string, bytes: Uint8Array) => Promise<void>): void {
  describe(kindName, () => {
    test('many small files travel in a few packs, and restore into an empty folder in a few requests', async () => {
      const files = smallFiles(1500, 'packs');
      const totalBytes = Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
      const { workspace, definition } = await workspaceWith(files);
      const remote = new CountingRemote(await openFresh());
      const saved = await executeStep(definition, context(remote), 'auto');
      assert.equal(saved.outputs[0]!.status, 'saved');
      const packs = (await objectKeys()).filter((key) => key.includes('/packs/'));
      assert.ok(packs.length >= Math.ceil(totalBytes / packMaximumBytes) && packs.length <= Math.ceil(totalBytes / (packMaximumBytes / 2)) + 1, `${packs.length} packs for ${totalBytes} bytes`);
      assert.equal((await objectKeys()).filter((key) => key.includes('/blobs/')).length, 0);

      const produced = await describeTree(join(workspace, 'data'));
      await rm(join(workspace, 'data'), { recursive: true });
      remote.reset();
      const restored = await executeStep(definition, context(remote), 'auto');
      assert.equal(restored.status, 'hit', restored.reason);
      assert.deepEqual(await describeTree(join(workspace, 'data')), produced);
      // One listing per scope read, one manifest, one request per pack.
      assert.ok(remote.total <= packs.length + 3, `${remote.total} requests for ${packs.length} packs`);

      remote.reset();
      const present = await executeStep(definition, context(remote), 'auto');
      assert.equal(present.status, 'hit');
      assert.equal(present.outputs[0]!.transferred_bytes, 0);
      assert.ok(remote.total <= 2, `${remote.total} requests when everything is present`);
    });

    test('saving again unchanged costs one request; after a 1% change only the changed files go up', async () => {
      const files = smallFiles(1000, 'incremental');
      const totalBytes = Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
      const { workspace, definition } = await workspaceWith(files);
      const remote = new CountingRemote(await openFresh());
      await executeStep(definition, context(remote), 'auto');
      const prepared = (await import('../../src/engine/saveOnly.js')).saveOnly;
      remote.reset();
      const again = await prepared(definition, context(remote), { policy: 'auto', runMs: null });
      assert.equal(again.outputs[0]!.status, 'already-saved');
      assert.equal(remote.total, 1);
      assert.equal(remote.bytesWritten, 0);

      const changed = Object.keys(files).filter((_, index) => index % 100 === 37);
      let changedBytes = 0;
      for (const path of changed) {
        await writeFile(join(workspace, 'data', path), randomBytes(files[path]!.length));
        changedBytes += files[path]!.length;
      }
      remote.reset();
      const incremental = await prepared({ ...definition, keyExtra: `${definition.keyExtra} changed` }, context(remote), { policy: 'auto', runMs: null });
      assert.equal(incremental.outputs[0]!.status, 'saved');
      assert.equal(incremental.outputs[0]!.transferred_bytes, changedBytes);
      assert.ok(remote.bytesWritten < totalBytes * 0.05, `${remote.bytesWritten} bytes written of ${totalBytes}`);

      // The new entry points into old and new packs; it restores byte for byte.
      const expected = await describeTree(join(workspace, 'data'));
      await rm(join(workspace, 'data'), { recursive: true });
      const restored = await executeStep({ ...definition, keyExtra: `${definition.keyExtra} changed` }, context(remote), 'auto');
      assert.equal(restored.status, 'hit', restored.reason);
      assert.deepEqual(await describeTree(join(workspace, 'data')), expected);
    });

    test('files already present are reused; one of the right size but other content is fetched again', async () => {
      // Small files are hashed on the main thread, larger ones by the hashing pool: both kinds are here.
      const files: Record<string, Uint8Array> = { ...smallFiles(200, 'present'), 'large/kept.bin': randomBytes(300_000), 'large/tampered.bin': randomBytes(200_000) };
      const { workspace, definition } = await workspaceWith(files);
      const remote = await openFresh();
      await executeStep(definition, context(remote), 'auto');
      const produced = await describeTree(join(workspace, 'data'));
      const small = Object.keys(files)[17]!;
      for (const path of [small, 'large/tampered.bin']) await writeFile(join(workspace, 'data', path), randomBytes(files[path]!.length));
      const restored = await executeStep(definition, context(remote), 'auto');
      assert.equal(restored.status, 'hit', restored.reason);
      assert.equal(restored.outputs[0]!.transferred_bytes, files[small]!.length + 200_000);
      assert.deepEqual(await describeTree(join(workspace, 'data')), produced);
    });

    test('a large file goes up and comes back in parallel parts, byte for byte', async () => {
      const large = randomBytes(rangedDownloadThreshold + 3 * 1024 * 1024 + 17);
      const { workspace, definition } = await workspaceWith({ 'weights.bin': large, 'same-a.txt': 'duplicate\n', 'same-b.txt': 'duplicate\n', 'empty.txt': '' });
      const remote = await openFresh();
      await executeStep(definition, context(remote), 'auto');
      assert.equal((await objectKeys()).filter((key) => key.includes('/blobs/')).length, 1);
      const produced = await describeTree(join(workspace, 'data'));
      await rm(join(workspace, 'data'), { recursive: true });
      const restored = await executeStep(definition, context(remote), 'auto');
      assert.equal(restored.status, 'hit', restored.reason);
      assert.deepEqual(await describeTree(join(workspace, 'data')), produced);
    });

    test('a large file with one byte changed in a middle part is a miss naming the blob, and nothing of it is left behind', async () => {
      const large = randomBytes(rangedDownloadThreshold + 5 * 1024 * 1024);
      const { workspace, definition } = await workspaceWith({ 'weights.bin': large, 'notes.txt': 'kept\n' });
      const remote = await openFresh();
      await executeStep(definition, context(remote), 'auto');
      const [blob] = (await objectKeys()).filter((key) => key.includes('/blobs/'));
      const damaged = Buffer.from(large);
      damaged[Math.floor(damaged.length / 2) + 12345] ^= 0x01;
      await damage(blob!, damaged);
      await rm(join(workspace, 'data'), { recursive: true });
      const broken = await restoreOnly(definition, context(remote));
      assert.equal(broken.status, 'miss');
      assert.match(broken.reason, /does not match its sha256/);
      assert.deepEqual(broken.damaged_objects, [blob]);
      await assert.rejects(stat(join(workspace, 'data')), { code: 'ENOENT' }, 'a failed restore leaves no partial output');
    });

    test('a pack cut short is a miss naming the damage, and the next save repairs the entry', async () => {
      const { workspace, definition } = await workspaceWith(smallFiles(40, 'short'));
      const remote = await openFresh();
      await executeStep(definition, context(remote), 'auto');
      const [pack] = (await objectKeys()).filter((key) => key.includes('/packs/'));
      await damage(pack!, Buffer.from('only a few bytes'));
      const produced = await describeTree(join(workspace, 'data'));
      await rm(join(workspace, 'data'), { recursive: true });
      const broken = await executeStep(definition, context(remote), 'auto');
      assert.equal(broken.status, 'miss');
      assert.match(broken.reason, /shorter|holds \d+ bytes|damaged/);
      assert.deepEqual(broken.damaged_objects, [pack]);
      assert.equal(broken.outputs[0]!.status, 'saved', 'the run saved again, repairing the entry');
      await rm(join(workspace, 'data'), { recursive: true });
      const repaired = await executeStep(definition, context(remote), 'auto');
      assert.equal(repaired.status, 'hit', repaired.reason);
      assert.deepEqual(await describeTree(join(workspace, 'data')), produced);
    });
  });
}

beforeAll(async () => {
  root = await makeTemporaryDirectory('transfers');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('transfers on a directory remote', () => {
  let remoteRoot = '';
  defineTransferCases(
    'directory',
    () => {
      remoteRoot = join(root, `remote-${++caseCount}`);
      return openRemote(remoteRoot, root);
    },
    () => listFilePaths(remoteRoot),
    async (key, bytes) => {
      await truncate(join(remoteRoot, key), 0);
      await writeFile(join(remoteRoot, key), bytes);
    },
  );
  test('packs stay within the pack size cap plus one member', () => {
    assert.ok(packMemberLimit < packMaximumBytes);
  });
  test('a large blob is fetched in about 32 ranged parts of 8 to 32 MiB', () => {
    const mebibytes = (size: number): number => downloadPartSize(size * 1024 * 1024) / (1024 * 1024);
    assert.deepEqual([64, 300, 512, 1024, 10 * 1024].map(mebibytes), [8, 10, 16, 32, 32]);
  });
});

describe('transfers on S3 (s3rver)', () => {
  let server: S3Server;
  let prefix = '';
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server.stop();
  });
  defineTransferCases(
    's3',
    () => {
      prefix = `case-${++caseCount}`;
      return openRemote(`s3://${server.bucket}/${prefix}`, root, { endpoint: server.endpoint, forcePathStyle: true });
    },
    async () => {
      const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
      const client = inspectorClient(server);
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length + 1)));
        token = page.NextContinuationToken;
      } while (token !== undefined);
      client.destroy();
      return keys.sort();
    },
    async (key, bytes) => {
      const client = inspectorClient(server);
      await client.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}`, Body: bytes }));
      client.destroy();
    },
  );
});
