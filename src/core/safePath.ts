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
  const problem = manifestPathProblem(path);
  if (problem !== undefined) throw new IntegrityError(problem);
  return path;
}

/**
 * Why a path cannot be a file path in a manifest, or undefined when it can; `show` gives how the
 * sentence shows the path. Restore refuses such a manifest and save refuses to write one: the rule
 * is here once so that the two cannot drift apart and a save never writes an entry that every
 * restore refuses. Both run it on every file of an output, so the common case does no more than it
 * must: the path is shown only when refused, and bytes are counted only when the length in UTF-16
 * code units (at most three UTF-8 bytes each) does not already settle it.
 */
export function manifestPathProblem(path: string, show: (path: string) => string = showManifestPath): string | undefined {
  if (path === '') return 'a file path in the manifest is empty';
  if (path.length * 3 > maximumPathBytes && Buffer.byteLength(path) > maximumPathBytes) return `file path ${show(path)}… is longer than ${maximumPathBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return `file path ${show(path)} contains a NUL or control character`;
  if (path.startsWith('/')) return `file path ${show(path)} is absolute`;
  if (path.includes('\\')) return `file path ${show(path)} contains a backslash`;
  if (/^[A-Za-z]:/.test(path)) return `file path ${show(path)} starts with a drive letter`;
  let start = 0;
  while (start <= path.length) {
    const slash = path.indexOf('/', start);
    const end = slash === -1 ? path.length : slash;
    const length = end - start;
    if (length === 0) return `file path ${show(path)} has an empty segment`;
    if (length <= 2 && (path.startsWith('.', start) && (length === 1 || path.startsWith('..', start)))) {
      return `file path ${show(path)} has a "${path.slice(start, end)}" segment`;
    }
    if (length * 3 > maximumSegmentBytes && Buffer.byteLength(path.slice(start, end)) > maximumSegmentBytes) {
      return `file path ${show(path)} has a name longer than ${maximumSegmentBytes} bytes`;
    }
    start = end + 1;
  }
  return undefined;
}

function showManifestPath(path: string): string {
  return JSON.stringify(printable(path.slice(0, 200)));
}

/**
 * Two paths of one set that would land on one file on some file system: `path` is `earlier` again
 * (exactly, or up to case and Unicode normalization), or uses the file `earlier` as a folder.
 */
export interface PathCollision {
  kind: 'same-file' | 'file-and-directory';
  earlier: string;
  path: string;
}

/**
 * Refuses a set of paths that would land on one file on some file system: exact duplicates,
 * case-folding duplicates (macOS, Windows) and Unicode normalization duplicates (macOS), and a file
 * that is also used as a directory.
 */
export function checkDistinctPaths(paths: readonly string[]): void {
  const collision = findPathCollision(paths);
  if (collision === undefined) return;
  const { earlier, path } = collision;
  if (collision.kind === 'file-and-directory') {
    throw new IntegrityError(`the manifest uses ${JSON.stringify(earlier)} as both a file and a directory`);
  }
  const how = earlier === path ? 'twice' : `as both ${JSON.stringify(earlier)} and ${JSON.stringify(path)}`;
  throw new IntegrityError(`the manifest names file ${JSON.stringify(printable(path))} ${how}`);
}

/** The first collision among the paths, or undefined: the rule behind checkDistinctPaths, for save and restore alike. */
export function findPathCollision(paths: readonly string[]): PathCollision | undefined {
  const seen = new Map<string, string>();
  const foldedPaths = paths.map(fold);
  for (const [index, path] of paths.entries()) {
    const folded = foldedPaths[index]!;
    const earlier = seen.get(folded);
    if (earlier !== undefined) return { kind: 'same-file', earlier, path };
    seen.set(folded, path);
  }
  // Files of one folder usually come together (a walk lists them sorted): its parents are looked up once.
  let checkedFolder: string | undefined;
  for (const [index, path] of paths.entries()) {
    const folded = foldedPaths[index]!;
    const folder = folded.slice(0, Math.max(0, folded.lastIndexOf('/')));
    if (folder === checkedFolder) continue;
    checkedFolder = folder;
    for (let slash = folded.indexOf('/'); slash !== -1; slash = folded.indexOf('/', slash + 1)) {
      const parent = seen.get(folded.slice(0, slash));
      if (parent !== undefined) return { kind: 'file-and-directory', earlier: parent, path };
    }
  }
  return undefined;
}

/**
 * The form two paths share when some file system takes them for one file. Printable ASCII is its
 * own NFC form, and most names are printable ASCII: normalizing is skipped for them.
 */
function fold(path: string): string {
  return (/^[\u0020-\u007e]*$/.test(path) ? path : path.normalize('NFC')).toLowerCase();
}
