import { type FileSource } from '../remote.js';

/**
 * What stoat and a process running @actions/cache say to each other, over the IPC channel of the
 * child process (JSON). One request at a time per process: everything @actions/cache writes to
 * standard output and error while it serves a request belongs to that request, and comes back
 * with the answer.
 */

/**
 * The one path every entry holds, in a folder of its own. @actions/cache hashes the paths it is given
 * into the entry's version, and finds entries only of the version it asks for: one constant name
 * gives every stoat entry one version, so prefix lookups see blobs, packs and manifests alike.
 */
export const entryPath = 'stoat-object';

export type WorkerRequest =
  /** A lookup of the newest entry under the first of `keys` (prefixes) that holds one, without a download. */
  | { id: number; operation: 'lookup'; keys: string[] }
  /** Restores the entry `key` into `directory`, where it lands as `entryPath`. */
  | { id: number; operation: 'restore'; key: string; directory: string }
  /**
   * Saves `directory`'s `entryPath` as the entry `key`; with `source`, the worker first copies the
   * file there, checking its size and sha256 as it copies.
   */
  | { id: number; operation: 'save'; key: string; directory: string; source?: FileSource };

/** A request without its number, as the pool's callers make it. */
export type WorkerTask = WorkerRequest extends infer Request ? (Request extends WorkerRequest ? Omit<Request, 'id'> : never) : never;

export type WorkerMessage =
  /** The process has loaded @actions/cache (sent once, with id 0): from now on, silence means a hang. */
  | { id: 0; kind: 'ready' }
  /** Output appeared: the request is alive (a transfer's progress, a retry). */
  | { id: number; kind: 'activity' }
  /** @actions/cache returned: the key it matched (or null), or the entry's id (-1 when it did not save). */
  | { id: number; kind: 'done'; value: string | number | null; output: string }
  /** @actions/cache, or the copy before it, threw. */
  | { id: number; kind: 'failed'; name: string; message: string; output: string };

/** What a request came to: @actions/cache's answer and everything it wrote meanwhile. */
export interface WorkerAnswer {
  value: string | number | null;
  output: string;
}
