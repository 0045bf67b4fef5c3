import { join } from 'node:path';
import { copyChecked } from '../sentContent.js';
import { watchFolderGrowth } from './folderGrowth.js';
import { entryPath, type WorkerMessage, type WorkerRequest } from './workerMessages.js';

type ActionsCache = typeof import('@actions/cache');

/** Output shows a request is alive at most this often: progress lines come every second. */
const activityIntervalMs = 1000;

/**
 * What a process started by CacheWorkerPool runs: it serves requests from its IPC channel one at a
 * time with @actions/cache, and exits when the channel closes (stoat ended). @actions/cache works on
 * this process's working directory and GITHUB_WORKSPACE, and writes workflow commands and progress
 * to standard output: here each request gets a folder of its own to work in, and everything written
 * is kept for the answer, where stoat reads why a call failed.
 */
export async function run(): Promise<void> {
  const output = new CapturedOutput();
  const home = process.cwd();
  // Loaded while the first request is on its way: it is most of this process's start-up.
  const cache = import('@actions/cache');
  void cache.then(() => send({ id: 0, kind: 'ready' }));
  process.on('disconnect', () => process.exit(0));
  let queue = Promise.resolve();
  process.on('message', (request: WorkerRequest) => {
    queue = queue.then(() => serve(request, cache, output, home));
  });
}

async function serve(request: WorkerRequest, cache: Promise<ActionsCache>, output: CapturedOutput, home: string): Promise<void> {
  const alive = (): void => send({ id: request.id, kind: 'activity' });
  output.start(alive);
  const folders = [process.env.RUNNER_TEMP ?? home, ...(request.operation === 'lookup' ? [] : [request.directory])];
  const stopWatching = watchFolderGrowth(folders, alive);
  let answer: WorkerMessage;
  try {
    answer = { id: request.id, kind: 'done', value: await perform(request, await cache), output: '' };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    answer = { id: request.id, kind: 'failed', name, message, output: '' };
  } finally {
    stopWatching();
    // Out of the request's folder before answering: stoat removes it once answered.
    process.chdir(home);
  }
  send({ ...answer, output: output.stop() });
}

async function perform(request: WorkerRequest, cache: ActionsCache): Promise<string | number | null> {
  // One version for every entry, shared across operating systems (see entryPath).
  const paths = [entryPath];
  if (request.operation === 'lookup') {
    return (await cache.restoreCache(paths, request.keys[0]!, request.keys.slice(1), { lookupOnly: true }, true)) ?? null;
  }
  if (request.operation === 'save' && request.source !== undefined) await copyChecked(request.source, join(request.directory, entryPath));
  // @actions/cache finds the paths from the working directory and archives them relative to the workspace.
  process.chdir(request.directory);
  process.env.GITHUB_WORKSPACE = request.directory;
  if (request.operation === 'restore') return (await cache.restoreCache(paths, request.key, [], undefined, true)) ?? null;
  return cache.saveCache(paths, request.key, undefined, true);
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Standard output and error, kept in memory while a request is served instead of written. */
class CapturedOutput {
  private text = '';
  private onActivity: (() => void) | undefined;
  private lastActivity = 0;

  constructor() {
    for (const stream of [process.stdout, process.stderr]) {
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        this.activity();
        const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
    }
  }

  start(onActivity: () => void): void {
    this.text = '';
    this.onActivity = onActivity;
    this.lastActivity = Date.now();
  }

  stop(): string {
    const text = this.text;
    this.text = '';
    this.onActivity = undefined;
    return text;
  }

  private activity(): void {
    const now = Date.now();
    if (this.onActivity === undefined || now - this.lastActivity < activityIntervalMs) return;
    this.lastActivity = now;
    this.onActivity();
  }
}
