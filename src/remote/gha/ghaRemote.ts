import { createReadStream } from 'node:fs';
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IntegrityError, ObjectMissingError, RemoteError, RemoteRefusedError, SourceChangedError } from '../../core/errors.js';
import { type KeyNaming } from '../keyNaming.js';
import { type ByteRange, type ListedObject, type PackSizes, type Remote, type WriteSource } from '../remote.js';
import { failedRestore, failedSave, failedUnpacking, modeRefusal } from './cacheFailure.js';
import { cacheMode, type CacheMode } from './cacheService.js';
import { CacheWorkerPool, WorkerFailure } from './cacheWorkerPool.js';
import { LocalObjectCache } from './localObjectCache.js';
import { ScratchFolder } from './scratchFolder.js';
import { entryPath, type WorkerAnswer, type WorkerTask } from './workerMessages.js';

const mebibyte = 1024 * 1024;

/**
 * Every entry is a create, an upload and a finalize, under a limit of 200 new entries a minute per
 * repository: files up to 16 MiB travel in packs of 56–64 MiB, so a save of 10,000 small files (335
 * MiB) is at most 8 entries. Two packs are assembled at once, in memory: 128 MiB while saving, which
 * keeps a save under 256 MiB where 128 MiB packs took it to 302 MiB for no gain in time.
 */
export const actionsCachePacking: PackSizes = { memberLimit: 16 * mebibyte, minimumBytes: 56 * mebibyte, maximumBytes: 64 * mebibyte };

/** @actions/cache takes a key and at most nine restore keys in one lookup. */
const keysPerLookup = 10;

export interface GhaRemoteOptions {
  /** Where the cache service's variables and RUNNER_TEMP are read; this process's environment when not given. */
  environment?: NodeJS.ProcessEnv;
  /** Processes running @actions/cache at once. */
  workers?: number;
  /** A call with no output for this long is taken to hang and is stopped. */
  silenceLimitMs?: number;
  /** Start processes at once, so the first requests find them ready (the default). */
  warm?: boolean;
}

/**
 * The GitHub Actions cache as a remote: each object (blob, pack, manifest) is one cache entry, moved
 * by @actions/cache in processes of its own (CacheWorkerPool), named as the layout says
 * (`naming`). Entries cannot be listed, only looked up (the newest whose key starts with a prefix),
 * and never change once written: there is no `list` and no `replace`. An entry is downloaded whole,
 * so reads are served from a local copy fetched once per run (LocalObjectCache).
 *
 * ACTIONS_CACHE_MODE is honoured before a request is made. Where it allows writes but not reads
 * (`write-only`), the lookups a save makes to reuse what is stored (exists, newest) find nothing,
 * so saving still works, while the lookup a restore makes (newestAmong) is refused by name.
 */
export class GhaRemote implements Remote {
  readonly display = 'gha';
  readonly packing = actionsCachePacking;
  private readonly environment: NodeJS.ProcessEnv;
  private readonly mode: CacheMode;
  private readonly scratch: ScratchFolder;
  private readonly objects: LocalObjectCache;
  private workers: CacheWorkerPool | undefined;
  /** A refusal that lasts the run (a read-only token): later saves fail at once instead of archiving first. */
  private writeRefusal: RemoteRefusedError | undefined;

  constructor(
    private readonly naming: KeyNaming,
    private readonly options: GhaRemoteOptions = {},
  ) {
    this.environment = options.environment ?? process.env;
    this.mode = cacheMode(this.environment);
    this.scratch = new ScratchFolder(this.environment.RUNNER_TEMP || tmpdir());
    this.objects = new LocalObjectCache(() => this.scratch.root);
    // A restore's first questions are lookups, two at once for a step with two outputs.
    if (options.warm ?? true) this.pool().warm(2);
  }

  locate(key: string): string {
    return `gha:${this.naming.toBackend(key)}`;
  }

  async exists(key: string): Promise<boolean> {
    if (!this.mode.readable && this.mode.writable) return false;
    const backendKey = this.naming.toBackend(key);
    return (await this.lookup([backendKey], key))?.toLowerCase() === backendKey;
  }

  async newest(prefix: string): Promise<ListedObject | undefined> {
    if (!this.mode.readable && this.mode.writable) return undefined;
    const matched = await this.lookup([this.naming.toBackend(prefix)], prefix);
    const key = matched === undefined ? undefined : this.naming.fromBackend(prefix, matched);
    return key === undefined ? undefined : { key, size: 0, modified: 0 };
  }

  async newestAmong(prefixes: readonly string[]): Promise<{ index: number; object: ListedObject } | undefined> {
    for (let start = 0; start < prefixes.length; start += keysPerLookup) {
      const asked = prefixes.slice(start, start + keysPerLookup);
      const matched = await this.lookup(asked.map((prefix) => this.naming.toBackend(prefix)), asked.join(' or '), true);
      if (matched === undefined) continue;
      for (const [offset, prefix] of asked.entries()) {
        const key = this.naming.fromBackend(prefix, matched);
        if (key !== undefined) return { index: start + offset, object: { key, size: 0, modified: 0 } };
      }
    }
    return undefined;
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    if (!this.mode.readable) throw modeRefusal(this.mode.value, 'restore', key, this.display);
    const file = await this.objects.fetch(key, (destination) => this.fetchEntry(key, destination));
    if (range !== undefined && range.length === 0) return Readable.from([]);
    const bounds = range === undefined ? {} : { start: range.offset, end: range.offset + range.length - 1 };
    return createReadStream(file, { ...bounds, highWaterMark: mebibyte });
  }

  /**
   * Saves the object as a new entry. A content-addressed object that a lookup already finds (in
   * this run's branch or the default branch) is not archived and sent again. The service refuses a
   * key that its branch scope holds (409): that is "already there", unless the entry is not yet
   * visible, which means another job is saving the same object at this moment.
   */
  async writeIfAbsent(key: string, source: WriteSource, contentAddressed = false): Promise<boolean> {
    if (!this.mode.writable) throw modeRefusal(this.mode.value, 'save', key, this.display);
    if (this.writeRefusal !== undefined) throw this.writeRefusal;
    if (contentAddressed && this.mode.readable && (await this.exists(key))) return false;
    const backendKey = this.naming.toBackend(key);
    const folder = await this.scratch.newFolder();
    try {
      if ('bytes' in source) await writeFile(join(folder, entryPath), source.bytes);
      const answer = await this.request({ operation: 'save', key: backendKey, directory: folder, ...('file' in source ? { source } : {}) }, key);
      if (typeof answer.value === 'number' && answer.value !== -1) return true;
      const outcome = failedSave(answer.output, this.display, key);
      if (outcome !== 'exists') {
        if (outcome instanceof RemoteRefusedError) this.writeRefusal = outcome;
        throw outcome;
      }
      if (contentAddressed && this.mode.readable && !(await this.exists(key))) {
        throw new RemoteError(`another job is saving ${key} to the GitHub Actions cache at this moment, and it is not there yet`, this.display);
      }
      return false;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Stops the processes and removes the local copies and working folders. */
  close(): void {
    this.workers?.close();
    this.workers = undefined;
    this.objects.clear();
    this.scratch.remove();
  }

  /** Restores the entry of `key` into a folder of its own and moves its object to `destination`. */
  private async fetchEntry(key: string, destination: string): Promise<void> {
    const backendKey = this.naming.toBackend(key);
    const folder = await this.scratch.newFolder();
    try {
      const answer = await this.request({ operation: 'restore', key: backendKey, directory: folder }, key);
      // A lookup matches by prefix: only the entry of exactly this key is this object.
      if (typeof answer.value !== 'string' || answer.value.toLowerCase() !== backendKey) {
        const unpacking = failedUnpacking(answer.output);
        if (unpacking !== undefined) throw new IntegrityError(`the GitHub Actions cache entry ${backendKey} cannot be unpacked (${unpacking})`, key);
        throw failedRestore(answer.output, this.display, key) ?? new ObjectMissingError(key);
      }
      const unpacked = join(folder, entryPath);
      // An entry is an archive: what it unpacks to must be the one plain file stoat put in it.
      if ((await lstat(unpacked).catch(() => undefined))?.isFile() !== true) {
        throw new IntegrityError(`the GitHub Actions cache entry ${backendKey} holds no object file`, key);
      }
      await rename(unpacked, destination);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** The key the cache matched for the first of `keys` that has an entry, or undefined on a miss. */
  private async lookup(keys: string[], asked: string, forRestore = false): Promise<string | undefined> {
    if (!this.mode.readable && (forRestore || !this.mode.writable)) throw modeRefusal(this.mode.value, 'restore', asked, this.display);
    const answer = await this.request({ operation: 'lookup', keys }, asked);
    if (typeof answer.value === 'string') return answer.value;
    const failure = failedRestore(answer.output, this.display, asked);
    if (failure !== undefined) throw failure;
    return undefined;
  }

  private async request(task: WorkerTask, entry: string): Promise<WorkerAnswer> {
    try {
      return await this.pool().run(task);
    } catch (error) {
      if (!(error instanceof WorkerFailure)) throw error;
      if (error.thrownName === 'SourceChangedError' && task.operation === 'save' && task.source !== undefined) throw new SourceChangedError(task.source.file);
      throw new RemoteError(`@actions/cache failed on ${entry}: ${error.thrownName}: ${error.message}`, this.display);
    }
  }

  /** The processes, started when first needed, working in the scratch folder and archiving into it. */
  private pool(): CacheWorkerPool {
    if (this.workers === undefined) {
      const home = this.scratch.root;
      const archives = join(home, 'archives');
      const environment: NodeJS.ProcessEnv = { ...this.environment, GITHUB_WORKSPACE: home, RUNNER_TEMP: archives };
      // In debug mode @actions/cache lists every archive it makes: a second pass over each entry.
      delete environment.RUNNER_DEBUG;
      this.workers = new CacheWorkerPool({ size: this.options.workers ?? 3, environment, home, silenceLimitMs: this.options.silenceLimitMs ?? 120_000, display: this.display });
    }
    return this.workers;
  }
}
