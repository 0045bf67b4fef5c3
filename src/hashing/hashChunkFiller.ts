import { setImmediate as nextTurn } from 'node:timers/promises';
import { filesBetweenTurns, hashReadHereLimit } from '../core/smallFiles.js';
import { type HashChunkRing } from './hashChunkRing.js';
import { closeDescriptor, fillSync, openForHashing, readFully } from './hashFileAccess.js';
import { changedWhileHashingError, unreadableFileError } from './hashFileErrors.js';
import { type DigestPlan, type HashAlgorithm, type HashWorkload } from './hashWorkload.js';


/** One call's files, as far as reading them is concerned: once one fails, the rest are not read. */
export interface HashJob {
  readonly algorithms: readonly HashAlgorithm[];
  failed: boolean;
}

export class FileTask {
  constructor(
    readonly job: HashJob,
    readonly index: number,
    readonly path: string,
  ) {}
}

/** A file whose bytes are going into the ring: its digests arrive from the workers of its plan. */
export interface PlacedFile {
  readonly id: number;
  readonly task: FileTask;
  readonly size: number;
  readonly plan: DigestPlan;
  readonly digests: Partial<Record<HashAlgorithm, string>>;
  unfinishedWorkers: number;
  error: Error | undefined;
}

export interface Segment {
  readonly file: PlacedFile;
  readonly start: number;
  readonly length: number;
  readonly first: boolean;
  readonly last: boolean;
}

/** A slot whose bytes are all read, ready for the workers. `costs` is the estimated work it gives each. */
export interface FilledChunk {
  readonly sequence: number;
  readonly slot: number;
  readonly segments: Segment[];
  readonly costs: number[];
}

interface ChunkInProgress extends FilledChunk {
  fill: number;
  unreadPieces: number;
}

interface FileBeingRead {
  readonly placed: PlacedFile;
  readonly descriptor: number;
  readonly path: string;
  readonly size: number;
  unreadPieces: number;
  fullyPlaced: boolean;
  released: boolean;
}

export interface FillerEvents {
  /** Chunks come in sequence order, which keeps each file's segments in order for every worker. */
  dispatch(chunk: FilledChunk): void;
  /** A task that put nothing in the ring: skipped (its job failed), empty, or unreadable. */
  settle(task: FileTask, outcome: 'skipped' | 'empty' | Error): void;
}

/**
 * Reads files once into the ring's slots, several small files to a slot and a large one across many.
 * Small files are opened and read on this thread, which for thousands of them costs a fraction of
 * sending each call to the thread pool; a large file's reads go to the pool as soon as their place
 * in a slot is decided, so the disk and the workers overlap.
 */
export class HashChunkFiller {
  private tasks: FileTask[] = [];
  private fillIndex = 0;
  private filling = false;
  private closed = false;
  private current: ChunkInProgress | undefined;
  private readonly sealed: ChunkInProgress[] = [];
  private nextSequence = 0;
  private nextFileId = 0;

  constructor(
    private readonly ring: HashChunkRing,
    private readonly workload: HashWorkload,
    private readonly events: FillerEvents,
  ) {}

  add(tasks: readonly FileTask[]): void {
    for (const task of tasks) this.tasks.push(task);
    if (!this.filling) {
      this.filling = true;
      void this.fill();
    }
  }

  /** Stops reading; descriptors still open are closed as their reads finish. */
  close(): void {
    this.closed = true;
  }

  private async fill(): Promise<void> {
    try {
      while (!this.closed && this.fillIndex < this.tasks.length) {
        const task = this.tasks[this.fillIndex++]!;
        await this.take(task);
        if (this.fillIndex % filesBetweenTurns === 0) await nextTurn();
      }
    } catch {
      // Only closing the ring fails a wait here, and then the pool has already failed every job.
    }
    if (this.closed) return;
    this.tasks = [];
    this.fillIndex = 0;
    this.sealCurrent();
    this.filling = false;
  }

  private async take(task: FileTask): Promise<void> {
    if (task.job.failed) return this.events.settle(task, 'skipped');
    const opened = openForHashing(task.path);
    if ('error' in opened) return this.events.settle(task, opened.error);
    if (this.closed || opened.size === 0) {
      closeDescriptor(opened.descriptor);
      return this.events.settle(task, opened.size === 0 ? 'empty' : 'skipped');
    }
    const plan = this.workload.plan(opened.size, task.job.algorithms);
    const placed: PlacedFile = { id: this.nextFileId++, task, size: opened.size, plan, digests: {}, unfinishedWorkers: plan.filter((algorithms) => algorithms.length > 0).length, error: undefined };
    const file: FileBeingRead = { placed, descriptor: opened.descriptor, path: task.path, size: opened.size, unreadPieces: 0, fullyPlaced: false, released: false };
    try {
      await this.place(file);
    } finally {
      file.fullyPlaced = true;
      this.releaseIfRead(file);
    }
  }

  /**
   * Gives the file its segments slot by slot. A file that failed or whose job failed is cut short
   * with an empty last segment, so the workers still finish (and forget) it.
   */
  private async place(file: FileBeingRead): Promise<void> {
    for (let position = 0, first = true; ; first = false) {
      const chunk = this.current ?? (this.current = await this.newChunk());
      if (this.closed) return;
      const abandoned = file.placed.error !== undefined || file.placed.task.job.failed;
      const length = abandoned ? 0 : Math.min(file.size - position, this.ring.slotSize - chunk.fill);
      const last = abandoned || position + length === file.size;
      this.addSegment(chunk, file, { file: file.placed, start: chunk.fill, length, first, last }, position);
      position += length;
      if (last) return;
    }
  }

  private addSegment(chunk: ChunkInProgress, file: FileBeingRead, segment: Segment, position: number): void {
    chunk.segments.push(segment);
    const costs = this.workload.costs(file.placed.plan, segment.length);
    this.workload.queue(costs);
    costs.forEach((cost, worker) => (chunk.costs[worker]! += cost));
    if (segment.length > 0 && file.size <= hashReadHereLimit) {
      file.placed.error ??= this.readHere(file, this.ring.view(chunk.slot, segment.start, segment.length), position);
    } else if (segment.length > 0) {
      chunk.unreadPieces++;
      file.unreadPieces++;
      readFully(file, this.ring.view(chunk.slot, segment.start, segment.length), position, (error) => {
        if (error !== undefined) file.placed.error ??= error;
        chunk.unreadPieces--;
        file.unreadPieces--;
        this.releaseIfRead(file);
        this.dispatchReady();
      });
    }
    chunk.fill += segment.length;
    if (chunk.fill === this.ring.slotSize) this.sealCurrent();
  }

  private readHere(file: FileBeingRead, target: Uint8Array, position: number): Error | undefined {
    try {
      return fillSync(file.descriptor, target, position) ? undefined : changedWhileHashingError(file.path, file.size);
    } catch (error) {
      return unreadableFileError(file.path, error);
    }
  }

  private async newChunk(): Promise<ChunkInProgress> {
    const slot = await this.ring.take();
    return { sequence: this.nextSequence++, slot, segments: [], costs: new Array<number>(this.workload.workerCount).fill(0), fill: 0, unreadPieces: 0 };
  }

  private sealCurrent(): void {
    const chunk = this.current;
    this.current = undefined;
    if (chunk === undefined) return;
    if (chunk.segments.length === 0) return this.ring.giveBack(chunk.slot);
    this.sealed.push(chunk);
    this.dispatchReady();
  }

  private dispatchReady(): void {
    while (!this.closed && this.sealed.length > 0 && this.sealed[0]!.unreadPieces === 0) {
      const { sequence, slot, segments, costs } = this.sealed.shift()!;
      this.events.dispatch({ sequence, slot, segments, costs });
    }
  }

  private releaseIfRead(file: FileBeingRead): void {
    if (!file.fullyPlaced || file.unreadPieces > 0 || file.released) return;
    file.released = true;
    closeDescriptor(file.descriptor);
  }
}
