import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file to write: its content, and a permission mode when the default (0644 under umask 022) is not wanted. */
export type FileSpecification = string | Uint8Array | { content: string | Uint8Array; mode: number };

/** A fresh directory under the system's temp folder; the caller removes it. */
export function makeTemporaryDirectory(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `stoat-${label}-`));
}

/** Writes files (creating their folders) below `root`; paths use `/`. */
export async function writeFiles(root: string, files: Record<string, FileSpecification>): Promise<void> {
  for (const [path, specification] of Object.entries(files)) {
    const absolute = join(root, path);
    await mkdir(dirname(absolute), { recursive: true });
    const content = typeof specification === 'string' || specification instanceof Uint8Array ? specification : specification.content;
    await writeFile(absolute, content);
    if (typeof specification === 'object' && !(specification instanceof Uint8Array)) await chmod(absolute, specification.mode);
  }
}

/**
 * What a test compares of one entry on disk: a directory, or a file's size, sha256 and permission
 * mode. A directory's mode is left out: manifests do not record it.
 */
export type TreeRecord = { kind: 'dir' } | { kind: 'file'; size: number; sha256: string; mode: number } | { kind: 'other' };

/**
 * Every entry below `root`, hidden ones included (a leftover staging folder must show), keyed by
 * its `/`-separated path. Comparing two of these compares content, modes and the set of names.
 */
export async function describeTree(root: string): Promise<Record<string, TreeRecord>> {
  const tree: Record<string, TreeRecord> = {};
  const walk = async (folder: string, prefix: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const absolute = join(folder, entry.name);
      const path = `${prefix}${entry.name}`;
      const status = await lstat(absolute);
      if (status.isDirectory()) {
        tree[path] = { kind: 'dir' };
        await walk(absolute, `${path}/`);
      } else if (status.isFile()) {
        const content = await readFile(absolute);
        tree[path] = { kind: 'file', size: content.length, sha256: createHash('sha256').update(content).digest('hex'), mode: status.mode & 0o7777 };
      } else {
        tree[path] = { kind: 'other' };
      }
    }
  };
  await walk(root, '');
  return tree;
}

/** The `/`-separated paths of the regular files below `root`, sorted: a file remote's object keys. */
export async function listFilePaths(root: string): Promise<string[]> {
  const tree = await describeTree(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return {};
    throw error;
  });
  return Object.entries(tree)
    .filter(([, record]) => record.kind === 'file')
    .map(([path]) => path)
    .sort();
}

/** The lines of a text file, or none when it does not exist: how tests count the runs of a command. */
export async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text.split('\n').filter((line) => line !== '');
}

export function sha256Of(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
