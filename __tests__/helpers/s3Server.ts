import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A running s3rver: a real S3 API on loopback, in its own process, with one bucket. */
export interface S3Server {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` with path-style addressing. */
  endpoint: string;
  bucket: string;
  /**
   * Creates objects by writing them where s3rver 3.7.1's filesystem store keeps them, as its own
   * PutObject does. s3rver spends about 8 ms of CPU per PutObject, so a test that needs more than
   * a page (1000) of objects would otherwise spend most of its time creating them.
   */
  seedObjects(keys: readonly string[], content: string): Promise<void>;
  /** Where s3rver keeps its buckets on disk. */
  directory: string;
  stop(): Promise<void>;
}

/** s3rver's built-in credentials; a signed request with any others is refused. */
export const s3rverCredentials = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' } as const;

const startupTimeoutMs = 15_000;
const stopTimeoutMs = 5_000;

/** Children still running, killed if the test process exits without calling stop (a crash, a timeout). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** An S3 server with a bucket of the caller's own: on the run's shared s3rver when there is one. */
export async function startS3Server(): Promise<S3Server> {
  const shared = process.env[sharedEndpointVariable];
  if (shared !== undefined && shared !== '') return bucketOnSharedServer(shared, process.env[sharedDirectoryVariable]!);
  return startOwnS3Server('stoat-test');
}

/**
 * The whole run shares one s3rver, started by jest's global setup (__tests__/globalSetup.mjs) and
 * named by these variables: starting one per suite cost each about a second. Each suite gets a
 * bucket of its own on it, so no two suites see each other's objects.
 */
export const sharedEndpointVariable = 'STOAT_TEST_S3_ENDPOINT';
export const sharedDirectoryVariable = 'STOAT_TEST_S3_DIRECTORY';

async function bucketOnSharedServer(endpoint: string, directory: string): Promise<S3Server> {
  // A worker runs many suites, each with this module afresh: the name must not repeat across them.
  const bucket = `suite-${randomBytes(6).toString('hex')}`;
  const server: S3Server = {
    endpoint,
    bucket,
    seedObjects: (keys, content) => seed(join(directory, bucket), keys, content),
    directory,
    // The global teardown stops the server and removes its folder, buckets and all.
    stop: async () => undefined,
  };
  const client = inspectorClient(server);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return server;
}

/**
 * Starts s3rver as a child process on a port the system picks (`-p 0`; the port is read from the
 * line it prints), storing its data in a fresh temp directory, with one bucket. A separate process
 * keeps its server and the SDK's sockets from sharing one event loop, as a real S3 would not.
 */
export async function startOwnS3Server(bucket: string): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'stoat-s3rver-'));
  // s3rver's command line, with PUTs made atomic as S3's are (see atomicS3rver.mjs).
  const bin = fileURLToPath(new URL('./atomicS3rver.mjs', import.meta.url));
  const environment = { ...process.env };
  // The test runner marks its children through this variable; s3rver is not a test file.
  delete environment.NODE_TEST_CONTEXT;
  delete environment.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    // s3rver's listing pagination encrypts its continuation token with DES, which OpenSSL 3 refuses otherwise.
    ['--openssl-legacy-provider', bin, '--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent', '--configure-bucket', bucket],
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child), () => undefined);

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const port = await waitForPort(child);
    const seedObjects = (keys: readonly string[], content: string): Promise<void> => seed(join(directory, bucket), keys, content);
    return { endpoint: `http://127.0.0.1:${port}`, bucket, seedObjects, directory, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The files s3rver's store writes for one object: its bytes, their md5, and its metadata. */
async function seed(bucketDirectory: string, keys: readonly string[], content: string): Promise<void> {
  const md5 = createHash('md5').update(content).digest('hex');
  const metadata = JSON.stringify({ 'content-type': 'application/octet-stream' });
  for (const key of keys) {
    const base = join(bucketDirectory, key);
    await mkdir(dirname(base), { recursive: true });
    await writeFile(`${base}._S3rver_object`, content);
    await writeFile(`${base}._S3rver_object.md5`, md5);
    await writeFile(`${base}._S3rver_metadata.json`, metadata);
  }
}

/** Reads the port from s3rver's `S3rver listening on 127.0.0.1:<port>` line. */
function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => fail(new Error(`s3rver did not start within ${startupTimeoutMs} ms; it printed: ${output}${errors}`)), startupTimeoutMs);
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on [^\s:]+:(\d+)/.exec(output);
      if (match !== null) {
        cleanUp();
        resolve(Number(match[1]));
      }
    };
    const onErrors = (chunk: Buffer): void => {
      errors += chunk.toString();
    };
    const onExit = (code: number | null): void => fail(new Error(`s3rver exited with code ${code} before listening: ${output}${errors}`));
    function cleanUp(): void {
      clearTimeout(timer);
      child.stdout!.off('data', onOutput);
      child.off('exit', onExit);
      // Keep draining both pipes so a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr!.resume();
    }
    function fail(error: Error): void {
      cleanUp();
      reject(error);
    }
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onErrors);
    child.once('exit', onExit);
  });
}

/** A loopback port nothing listens on: bound by the system, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('the system gave no port');
  return address.port;
}

/**
 * A client of the tests' own, for putting and inspecting objects, so that what a test sees in the
 * bucket does not depend on the S3Remote under test.
 */
export function inspectorClient(server: S3Server): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: s3rverCredentials.AWS_REGION,
    credentials: { accessKeyId: s3rverCredentials.AWS_ACCESS_KEY_ID, secretAccessKey: s3rverCredentials.AWS_SECRET_ACCESS_KEY },
  });
}
