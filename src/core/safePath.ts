import { IntegrityError } from './errors.js';
import { printable } from './printable.js';

const maximumPathBytes = 4096;
const maximumSegmentBytes = 255;

/**
 * Checks a path read from a manifest before it may name anything on disk. A manifest comes from a
 * remote that other people can write to, so every path is hostile until shown otherwise.
 */
export function checkManifestPath(path: unknown): string {
  if (typeof path !== 'string') throw new IntegrityError(`a file path in the manifest is not a string`);
  const shown = JSON.stringify(printable(path.slice(0, 200)));
  if (path === '') throw new IntegrityError('a file path in the manifest is empty');
  if (Buffer.byteLength(path) > maximumPathBytes) throw new IntegrityError(`file path ${shown}… is longer than ${maximumPathBytes} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new IntegrityError(`file path ${shown} contains a NUL or control character`);
  if (path.startsWith('/')) throw new IntegrityError(`file path ${shown} is absolute`);
  if (path.includes('\\')) throw new IntegrityError(`file path ${shown} contains a backslash`);
  if (/^[A-Za-z]:/.test(path)) throw new IntegrityError(`file path ${shown} starts with a drive letter`);
  for (const segment of path.split('/')) {
    if (segment === '') throw new IntegrityError(`file path ${shown} has an empty segment`);
    if (segment === '.' || segment === '..') throw new IntegrityError(`file path ${shown} has a "${segment}" segment`);
    if (Buffer.byteLength(segment) > maximumSegmentBytes) {
      throw new IntegrityError(`file path ${shown} has a name longer than ${maximumSegmentBytes} bytes`);
    }
  }
  return path;
}

/**
 * Refuses a set of paths that would land on one file on some file system: exact duplicates,
 * case-folding duplicates (macOS, Windows) and Unicode normalization duplicates (macOS), and a file
 * that is also used as a directory.
 */
export function checkDistinctPaths(paths: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    const folded = path.normalize('NFC').toLowerCase();
    const earlier = seen.get(folded);
    if (earlier !== undefined) {
      const how = earlier === path ? 'twice' : `as both ${JSON.stringify(earlier)} and ${JSON.stringify(path)}`;
      throw new IntegrityError(`the manifest names file ${JSON.stringify(printable(path))} ${how}`);
    }
    seen.set(folded, path);
  }
  for (const path of paths) {
    const segments = path.normalize('NFC').toLowerCase().split('/');
    for (let end = 1; end < segments.length; end++) {
      const parent = seen.get(segments.slice(0, end).join('/'));
      if (parent !== undefined) {
        throw new IntegrityError(`the manifest uses ${JSON.stringify(parent)} as both a file and a directory`);
      }
    }
  }
}
