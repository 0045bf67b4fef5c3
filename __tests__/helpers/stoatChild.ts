import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type StepReport } from '../../src/core/stepReport.js';
import { blobKey, packKey } from '../../src/store/layout.js';
import { s3rverCredentials, type S3Server } from './s3Server.js';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `npm run bundle` empties dist/ before it writes it again: a suite that starts meanwhile waits this long for it. */
const buildWaitMs = 90_000;

/**
 * Copies the built CLI (dist/) into `root`, so a rebuild of dist/ while a suite runs cannot take
 * the CLI away from its children half-way. Returns the path of the copied entry.
 */
export async function copyBuiltCli(root: string): Promise<string> {
  const built = join(repositoryRoot, 'dist');
  const target = join(root, 'built');
  const waitUntil = performance.now() + buildWaitMs;
  // A build writes the entries last, so once cli/index.js is there the bundle and its chunks are whole.
  while (!existsSync(join(built, 'cli', 'index.js'))) {
    if (performance.now() > waitUntil) throw new Error('dist/cli/index.js is missing: run npm run bundle first');
    await delay(1000);
  }
  await cp(built, target, { recursive: true });
  return join(target, 'cli', 'index.js');
}

/** A clean environment for a child: a home and a cache of its own, and s3rver's credentials. */
export function childEnvironment(root: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), XDG_CACHE_HOME: join(root, 'xdg'), ...s3rverCredentials };
}

/** A CLI run takes seconds; one still running after this has hung, and is killed so the test fails instead of hanging. */
const childTimeLimitMs = 60_000;

/** How a CLI run ended; `report` is its JSON report when it printed one. */
export interface CliOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the time limit, not by the test: the CLI hung. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  report: StepReport | undefined;
  /** `performance.now()` at spawn and at exit. */
  started: number;
  ended: number;
}

export interface CliChild {
  process: ChildProcess;
  started: number;
  done: Promise<CliOutcome>;
}

/** Starts `node <cli> ...args` in `cwd`. */
export function startCli(cli: string, cwd: string, args: readonly string[], environment: Record<string, string>): CliChild {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, childTimeLimitMs);
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliOutcome>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n(the test killed this run: it was still running after ${childTimeLimitMs} ms)`;
      let report: StepReport | undefined;
      try {
        report = stdout.trim() === '' ? undefined : (JSON.parse(stdout) as StepReport);
      } catch {
        report = undefined;
      }
      resolve({ exitCode, signal, timedOut, stdout, stderr, report, started, ended: performance.now() });
    });
  });
  return { process: child, started, done };
}

export function runCli(cli: string, cwd: string, args: readonly string[], environment: Record<string, string>): Promise<CliOutcome> {
  return startCli(cli, cwd, args, environment).done;
}

/** What a test needs of a remote: the CLI's arguments for it, and a look at its objects from outside stoat. */
export interface RemoteUnderTest {
  /** The folder of a directory remote; undefined for S3. */
  directory: string | undefined;
  /** `--remote ...` and, for S3, the endpoint (the server's own, or a proxy in front of it). */
  arguments(endpoint?: string): string[];
  /** The object keys below the layout root, sorted. */
  objects(): Promise<string[]>;
  read(key: string): Promise<Buffer>;
  /** Files the listing must never show: a directory remote's temporary dot-files. Empty for S3. */
  hidden(): Promise<string[]>;
  /** Objects and hidden files in one pass, for polling while a save runs. */
  look(): Promise<{ objects: string[]; hidden: string[] }>;
}

export function directoryRemote(root: string): RemoteUnderTest {
  const walk = async (): Promise<string[]> =>
    // A list of this realm's, not Node's: tests compare it with deepStrictEqual.
    Array.from(await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
      .sort();
  const isHidden = (key: string): boolean => key.split('/').some((segment) => segment.startsWith('.'));
  const look = async (): Promise<{ objects: string[]; hidden: string[] }> => {
    const files = await walk();
    return { objects: files.filter((key) => !isHidden(key)), hidden: files.filter(isHidden) };
  };
  return {
    directory: root,
    arguments: () => ['--remote', root],
    objects: async () => (await look()).objects,
    read: (key) => readFile(join(root, key)),
    hidden: async () => (await look()).hidden,
    look,
  };
}

export function s3Remote(server: S3Server, inspector: S3Client, prefix: string): RemoteUnderTest {
  return {
    directory: undefined,
    arguments: (endpoint = server.endpoint) => ['--remote', `s3://${server.bucket}/${prefix}`, '--s3-endpoint', endpoint],
    async objects() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length + 1)));
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    async read(key) {
      const answer = await inspector.send(new GetObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}` }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    },
    hidden: async () => [],
    async look() {
      return { objects: await this.objects(), hidden: [] };
    },
  };
}

export function isManifest(key: string): boolean {
  return key.startsWith('stoat/v1/outputs/') && key.endsWith('.json');
}

/** An entry of the index of saves, written after its manifest (store/layout.ts, indexEntryKey). */
export function isIndexEntry(key: string): boolean {
  return key.startsWith('stoat/v1/outputs/') && /\/index\/[^/]+\/\d{13}-[0-9a-f]{64}-[0-9a-f]{64}$/.test(key);
}

/** The blob and pack keys a manifest points at. */
export function referencedObjects(manifest: Buffer): string[] {
  const parsed = JSON.parse(manifest.toString('utf8')) as { files: ({ blob: string } | { pack: string })[] };
  return [...new Set(parsed.files.map((file) => ('blob' in file ? blobKey(file.blob) : packKey(file.pack))))].sort();
}
