import { type ChildProcess, spawn } from 'node:child_process';
import { type Socket } from 'node:net';
import { RemoteError } from '../../core/errors.js';
import { cacheWorkerArguments } from './cacheWorkerLaunch.js';
import { type WorkerAnswer, type WorkerMessage, type WorkerRequest, type WorkerTask } from './workerMessages.js';

export interface CacheWorkerPoolOptions {
  /** Processes at most: each serves one request at a time. */
  size: number;
  /** The environment of the processes: the cache service's variables come from here. */
  environment: NodeJS.ProcessEnv;
  /** The working directory of the processes between requests. */
  home: string;
  /** A request with no output for this long is taken to hang (a call has no timeout of its own): its process is killed. */
  silenceLimitMs: number;
  /** The remote, for errors. */
  display: string;
}

/** @actions/cache threw (or the copy before it did): the error's name and message, and what was written meanwhile. */
export class WorkerFailure extends Error {
  override name = 'WorkerFailure';
  constructor(
    readonly thrownName: string,
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

interface Job {
  request: WorkerRequest;
  resolve(answer: WorkerAnswer): void;
  reject(error: Error): void;
}

/**
 * A few processes that run @actions/cache, started as requests need them. Requests wait in order
 * for a free process. An idle process does not keep stoat running; it exits when stoat does.
 */
export class CacheWorkerPool {
  private readonly workers = new Set<CacheWorker>();
  private readonly idle: CacheWorker[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;

  constructor(private readonly options: CacheWorkerPoolOptions) {}

  run(task: WorkerTask): Promise<WorkerAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request: { ...task, id: this.nextId++ } as WorkerRequest, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Starts up to `count` processes now, idle, so that the first requests do not wait for node and
   * @actions/cache to load (a few hundred milliseconds): the remote is opened before the inputs are
   * hashed, which hides it.
   */
  warm(count: number): void {
    while (this.workers.size < Math.min(count, this.options.size)) this.idle.push(this.start());
  }

  /** Stops every process; requests in flight or waiting fail. */
  close(): void {
    for (const job of this.waiting.splice(0)) job.reject(new RemoteError('the GitHub Actions cache was closed', this.options.display));
    for (const worker of this.workers) worker.stop();
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.options.size ? this.start() : undefined);
      if (worker === undefined) return;
      worker.serve(this.waiting.shift()!);
    }
  }

  private start(): CacheWorker {
    const worker = new CacheWorker(this.options, {
      idle: () => {
        this.idle.push(worker);
        this.dispatch();
      },
      exited: () => {
        this.workers.delete(worker);
        const index = this.idle.indexOf(worker);
        if (index >= 0) this.idle.splice(index, 1);
        this.dispatch();
      },
    });
    this.workers.add(worker);
    return worker;
  }
}

/** How long a process may take to start and load @actions/cache before its request is given up. */
const startupLimitMs = 60_000;
/** How much of a process's standard error a crash report quotes. */
const errorTailCharacters = 2000;

/** One process and the request it serves. */
class CacheWorker {
  private readonly child: ChildProcess;
  private job: Job | undefined;
  private silence: NodeJS.Timeout | undefined;
  private errorTail = '';
  /** Whether @actions/cache is loaded: until then, silence is start-up, not a hang. */
  private ready = false;

  constructor(
    private readonly options: CacheWorkerPoolOptions,
    private readonly events: { idle(): void; exited(): void },
  ) {
    this.child = spawn(process.execPath, cacheWorkerArguments(), {
      cwd: options.home,
      env: options.environment,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.errorTail = (this.errorTail + chunk.toString('utf8')).slice(-errorTailCharacters);
    });
    this.child.on('message', (message: WorkerMessage) => this.receive(message));
    this.child.on('error', (error) => this.end(`could not be started: ${error.message}`));
    this.child.on('exit', (code, signal) => this.end(signal === null ? `exited with code ${code}` : `was stopped by ${signal}`));
    this.setReferenced(false);
  }

  serve(job: Job): void {
    this.job = job;
    this.setReferenced(true);
    this.armSilence();
    this.child.send(job.request);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }

  private receive(message: WorkerMessage): void {
    if (message.kind === 'ready') {
      this.ready = true;
      if (this.job !== undefined) this.armSilence();
      return;
    }
    const job = this.job;
    if (job === undefined || message.id !== job.request.id) return;
    if (message.kind === 'activity') {
      this.armSilence();
      return;
    }
    this.settle();
    if (message.kind === 'done') job.resolve({ value: message.value, output: message.output });
    else job.reject(new WorkerFailure(message.name, message.message, message.output));
    this.events.idle();
  }

  private end(how: string): void {
    const job = this.job;
    this.settle();
    this.job = undefined;
    if (job !== undefined) job.reject(new RemoteError(`the process running @actions/cache ${how} while ${describe(job.request)}${this.tail()}`, this.options.display));
    this.events.exited();
  }

  /** Starts the wait for a sign of life; while the process is still loading, its start-up limit instead. */
  private armSilence(): void {
    clearTimeout(this.silence);
    const limit = this.ready ? this.options.silenceLimitMs : Math.max(this.options.silenceLimitMs, startupLimitMs);
    this.silence = setTimeout(() => {
      const job = this.job;
      if (job === undefined) return;
      this.job = undefined;
      this.stop();
      job.reject(new RemoteError(`@actions/cache gave no sign of progress for ${Math.round(limit / 1000)} s while ${describe(job.request)}: the call was stopped${this.tail()}`, this.options.display));
    }, limit);
  }

  /** What the process wrote to standard error outside a request (a failure to start), to quote. */
  private tail(): string {
    const text = this.errorTail.trim();
    return text === '' ? '' : `; it wrote: ${text}`;
  }

  private settle(): void {
    clearTimeout(this.silence);
    this.silence = undefined;
    this.job = undefined;
    this.setReferenced(false);
  }

  /** An idle process, its channel and its pipe must not keep stoat running. */
  private setReferenced(referenced: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stderr as Socket | null];
    for (const handle of handles) {
      if (referenced) handle?.ref();
      else handle?.unref();
    }
  }
}

function describe(request: WorkerRequest): string {
  if (request.operation === 'lookup') return `looking up ${request.keys.join(', ')}`;
  return `${request.operation === 'save' ? 'saving' : 'restoring'} ${request.key}`;
}
