import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { snapshotOutput } from '../../src/workspace/outputSnapshot.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { saveOutputs } from '../../src/store/saveOutputs.js';
import { multipartThreshold } from '../../src/remote/s3/s3Multipart.js';
import { inspectorClient, type S3Server, s3rverCredentials, startS3Server } from '../helpers/s3Server.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';

Object.assign(process.env, s3rverCredentials);

let root: string;
let caseCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('changed');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const provenance = { commit: null, dirty: null, ref: null, event: null, run: null, workflow: null, repository: null, pull_request: null, created: new Date().toISOString(), duration_ms: null };

/**
 * Snapshots output `out` (hashing it, as a save does), lets `change` write to a file of it, then
 * saves the stale snapshot: the state a background writer leaves between hashing and sending.
 */
async function saveAfterChange(remote: Remote, files: Record<string, Uint8Array>, change: (workspace: string) => Promise<void>): Promise<unknown> {
  const workspace = join(root, `workspace-${++caseCount}`);
  await writeFiles(workspace, Object.fromEntries(Object.entries(files).map(([path, bytes]) => [`out/${path}`, bytes])));
  const snapshot = await snapshotOutput({ relative: 'out', absolute: join(workspace, 'out') });
  await change(workspace);
  return saveOutputs({
    remote,
    key: 'a'.repeat(64),
    scope: 'local',
    readScopes: ['local'],
    snapshots: [snapshot],
    inputs: [],
    command: ['make out'],
    env: [],
    extra: '',
    provenance,
    concurrency: 4,
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Overwrites bytes in the middle of a file, keeping its size: what a writer that seeks does. */
async function overwriteMiddle(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  const { size } = await handle.stat();
  await handle.write(Buffer.from('changed!'), 0, 8, Math.floor(size / 2));
  await handle.close();
}

function assertRefused(error: unknown, file: string): void {
  assert.ok(error instanceof UsageError, `a usage error, not ${String(error)}`);
  assert.match(error.message, new RegExp(`output "out" changed while it was being saved \\(${file}\\)`));
}

function defineCases(kind: string, fresh: () => Promise<{ remote: Remote; keys: () => Promise<string[]> }>, largest: number): void {
  describe(`a file that changes after it is hashed is never stored under the old hash (${kind})`, () => {
    test('a blob rewritten in place: the save fails naming it, no blob and no manifest are written', async () => {
      const { remote, keys } = await fresh();
      const error = await saveAfterChange(remote, { 'big.bin': randomBytes(5 * 1024 * 1024) }, (workspace) => overwriteMiddle(join(workspace, 'out', 'big.bin')));
      assertRefused(error, 'big.bin');
      assert.deepEqual(await keys(), []);
    });

    test('a blob that grew: refused the same way', async () => {
      const { remote, keys } = await fresh();
      const error = await saveAfterChange(remote, { 'big.bin': randomBytes(5 * 1024 * 1024) }, (workspace) => appendFile(join(workspace, 'out', 'big.bin'), 'more'));
      assertRefused(error, 'big.bin');
      assert.deepEqual(await keys(), []);
    });

    test('a pack member rewritten in place: refused, nothing written', async () => {
      const { remote, keys } = await fresh();
      const error = await saveAfterChange(remote, { 'a.txt': randomBytes(1000), 'b.txt': randomBytes(2000) }, (workspace) => overwriteMiddle(join(workspace, 'out', 'b.txt')));
      assertRefused(error, 'b.txt');
      assert.deepEqual(await keys(), []);
    });

    test(`a large blob (${largest >> 20} MiB; in parts on S3) rewritten near its end: nothing is stored`, async () => {
      const { remote, keys } = await fresh();
      const error = await saveAfterChange(remote, { 'huge.bin': randomBytes(largest) }, async (workspace) => {
        const handle = await open(join(workspace, 'out', 'huge.bin'), 'r+');
        await handle.write(Buffer.from('late change'), 0, 11, largest - 100);
        await handle.close();
      });
      assertRefused(error, 'huge.bin');
      assert.deepEqual(await keys(), []);
    });
  });
}

defineCases(
  'directory remote',
  async () => {
    const folder = join(root, `remote-${++caseCount}`);
    return { remote: await openRemote(folder, root), keys: () => listFilePaths(folder) };
  },
  8 * 1024 * 1024,
);

describe('on S3 (s3rver)', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server.stop();
  });
  defineCases(
    's3',
    async () => {
      const prefix = `case-${++caseCount}`;
      const remote = await openRemote(`s3://${server.bucket}/${prefix}`, root, { endpoint: server.endpoint, forcePathStyle: true });
      const keys = async (): Promise<string[]> => {
        const client = inspectorClient(server);
        const page = await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/` }));
        client.destroy();
        return (page.Contents ?? []).map((object) => object.Key!);
      };
      return { remote, keys };
    },
    multipartThreshold + 1024 * 1024,
  );
});
