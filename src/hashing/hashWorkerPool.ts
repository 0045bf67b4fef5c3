import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { HashChunkRing } from './hashChunkRing.js';
import { FileTask, HashChunkFiller, type FilledChunk, type HashJob, type PlacedFile } from './hashChunkFiller.js';
import { type HashAlgorithm, type HashTimings, HashWorkload } from './hashWorkload.js';
import { hashWorkerSource } from './hashWorkerSource.js';

/** 8 slots of 4 MiB: reads run ahead of hashing by up to 32 MiB, whatever the size and number of files. */
const slotCount = 8;
export const hashChunkSize = 4 * 1024 * 1024;
/** Idle workers are unreferenced at once (the process can exit) and stopped after this long. */
const idleMilliseconds = 2000;

export interface HashResult {
  size: number;
  digests: Partial<Record<HashAlgorithm, string>>;
}

interface PoolJob extends HashJob {
  readonly results: HashResult[];
  remaining: number;
  resolve(results: HashResult[]): void;
  reject(error: Error): void;
}

interface WorkerReply {
  sequence: number;
  finished: { file: number; digests: string[] }[];
  timings: HashTimings;
}

/**
 * Worker threads that hash what a HashChunkFiller reads into a shared ring. Each file's digests are
 * spread over the workers by the HashWorkload's plan; each slot is reused once every worker it was
 * sent to has answered. Calls may overlap: their files queue in call order.
 */
export class HashWorkerPool {
  closed = false;
  private readonly ring = new HashChunkRing(slotCount, hashChunkSize);
  private readonly workload: HashWorkload;
  private readonly filler: HashChunkFiller;
  private readonly workers: Worker[];
  private readonly dispatched = new Map<number, { chunk: FilledChunk; unfinishedWorkers: number }>();
  private readonly files = new Map<number, PlacedFile>();
  private readonly jobs = new Set<PoolJob>();
  private unsettledTasks = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  /** `onClose` runs once the pool closes, idle or not, so its owner can drop it and its ring. */
  constructor(
    workerCount: number,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.workload = new HashWorkload(workerCount);
    this.filler = new HashChunkFiller(this.ring, this.workload, {
      dispatch: (chunk) => this.dispatch(chunk),
      settle: (task, outcome) => this.settle(task, outcome),
    });
    this.workers = Array.from({ length: workerCount }, (_, index) => this.startWorker(index));
  }

  hash(paths: readonly string[], algorithms: readonly HashAlgorithm[]): Promise<HashResult[]> {
    if (this.closed) return Promise.reject(new Error('the hash pool is closed'));
    if (paths.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const job: PoolJob = { algorithms, failed: false, results: new Array<HashResult>(paths.length), remaining: paths.length, resolve, reject };
      this.jobs.add(job);
      this.becomeBusy(paths.length);
      this.filler.add(paths.map((path, index) => new FileTask(job, index, path)));
    });
  }

  /** Fails the calls in progress with `error` and stops the workers. */
  async close(error = new Error('the hash pool was closed')): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    clearTimeout(this.idleTimer);
    this.ring.close(error);
    this.filler.close();
    for (const job of this.jobs) this.failJob(job, error);
    // An unreferenced worker's termination does not keep the event loop alive to report it.
    await Promise.all(this.workers.map((worker) => (worker.ref(), worker.terminate())));
  }

  private startWorker(index: number): Worker {
    // No execArgv: the worker needs none of the parent's loaders (tsx in tests), which slow its start.
    const worker = new Worker(hashWorkerSource, { eval: true, execArgv: [], workerData: { ring: this.ring.buffer } });
    worker.on('message', (reply: WorkerReply) => this.receive(index, reply));
    worker.on('error', (error) => void this.close(new Error(`a hashing worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => void this.close(new Error(`a hashing worker stopped unexpectedly (exit code ${code})`)));
    return worker;
  }

  private dispatch(chunk: FilledChunk): void {
    const perWorker = this.workers.map(() => [] as { file: number; start: number; length: number; last: boolean; algorithms?: HashAlgorithm[] }[]);
    for (const { file, start, length, first, last } of chunk.segments) {
      if (first) this.files.set(file.id, file);
      file.plan.forEach((algorithms, worker) => {
        if (algorithms.length > 0) perWorker[worker]!.push({ file: file.id, start, length, last, ...(first ? { algorithms } : {}) });
      });
    }
    let unfinishedWorkers = 0;
    perWorker.forEach((segments, worker) => {
      if (segments.length === 0) return;
      unfinishedWorkers++;
      this.workers[worker]!.postMessage({ sequence: chunk.sequence, offset: this.ring.offset(chunk.slot), segments });
    });
    this.dispatched.set(chunk.sequence, { chunk, unfinishedWorkers });
  }

  private receive(worker: number, reply: WorkerReply): void {
    this.workload.observe(reply.timings);
    const entry = this.dispatched.get(reply.sequence)!;
    this.workload.done(worker, entry.chunk.costs[worker]!);
    for (const { file: id, digests } of reply.finished) {
      const file = this.files.get(id)!;
      file.plan[worker]!.forEach((algorithm, position) => (file.digests[algorithm] = digests[position]));
      if (--file.unfinishedWorkers > 0) continue;
      this.files.delete(id);
      this.settle(file.task, file.error ?? file);
    }
    if (--entry.unfinishedWorkers > 0) return;
    this.dispatched.delete(reply.sequence);
    this.ring.giveBack(entry.chunk.slot);
  }

  private settle(task: FileTask, outcome: PlacedFile | 'skipped' | 'empty' | Error): void {
    const job = task.job as PoolJob;
    if (outcome instanceof Error) this.failJob(job, outcome);
    else if (outcome !== 'skipped' && !job.failed) {
      job.results[task.index] = outcome === 'empty' ? { size: 0, digests: emptyDigests(job.algorithms) } : { size: outcome.size, digests: outcome.digests };
      if (--job.remaining === 0) {
        this.jobs.delete(job);
        job.resolve(job.results);
      }
    }
    if (--this.unsettledTasks === 0) this.becomeIdle();
  }

  private failJob(job: PoolJob, error: Error): void {
    if (job.failed) return;
    job.failed = true;
    this.jobs.delete(job);
    job.reject(error);
  }

  private becomeBusy(tasks: number): void {
    if (this.unsettledTasks === 0) {
      clearTimeout(this.idleTimer);
      for (const worker of this.workers) worker.ref();
    }
    this.unsettledTasks += tasks;
  }

  private becomeIdle(): void {
    if (this.closed) return;
    for (const worker of this.workers) worker.unref();
    this.idleTimer = setTimeout(() => void this.close(), idleMilliseconds).unref();
  }
}

function emptyDigests(algorithms: readonly HashAlgorithm[]): Partial<Record<HashAlgorithm, string>> {
  return Object.fromEntries(algorithms.map((algorithm) => [algorithm, createHash(algorithm).digest('hex')]));
}
