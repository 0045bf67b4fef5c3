import { type Dirent, readdir, realpath, stat, type Stats } from 'node:fs';
import { type GlobOptions } from 'tinyglobby';
import { isNameTooLong } from '../core/pathLimit.js';
import { replacementCharacter } from './undecodableNames.js';

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/**
 * Watches a glob's crawl for what it passes over without a word: a folder it cannot read (its name
 * is not valid UTF-8, or its path is too long), a link it cannot follow because of such a name,
 * and a link to a device, socket or pipe, which it lists as a file. A dep must not silently leave
 * out files the command reads, nor hand a device to the hashing. The crawl calls these functions
 * for folders and links only, never once per regular file, so watching costs nothing per file.
 */
export class GlobWatch {
  /** Paths the crawl could not read or follow, with why. */
  readonly unreachable: { path: string; code: string | undefined }[] = [];
  /** Real paths of link targets that are neither files nor folders. */
  readonly specialTargets = new Set<string>();

  readonly fileSystem: NonNullable<GlobOptions['fs']> = {
    readdir: ((path: string, options: { withFileTypes: true }, callback: Callback<Dirent[]>) =>
      readdir(path, options, (error, entries) => {
        if (error !== null) this.note(path, error);
        callback(error, entries);
      })) as unknown as typeof readdir,
    realpath: ((path: string, callback: Callback<string>) =>
      realpath(path, (error, resolved) => {
        if (error !== null) this.note(path, error);
        callback(error, resolved);
      })) as unknown as typeof realpath,
    stat: ((path: string, callback: Callback<Stats>) =>
      stat(path, (error, status) => {
        if (error === null && !status.isFile() && !status.isDirectory()) this.specialTargets.add(path);
        callback(error, status);
      })) as unknown as typeof stat,
  };

  private note(path: string, error: NodeJS.ErrnoException): void {
    if (isNameTooLong(error) || (error.code === 'ENOENT' && path.includes(replacementCharacter))) {
      this.unreachable.push({ path, code: error.code });
    }
  }
}
