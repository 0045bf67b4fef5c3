import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { printable } from '../core/printable.js';

/**
 * File names that are not valid UTF-8. Linux allows any bytes in a name; Node reads names as text
 * and puts U+FFFD in place of each invalid sequence, so such a name read from a folder names no
 * file, and a manifest (JSON text) cannot record it either. They are refused, named in an escaped
 * form. The checks below run only once a name read as text holds U+FFFD, which valid names almost
 * never do: walking 100,000 ordinary names costs one `includes` each.
 */

/** What a name that is not valid UTF-8 holds once read as text. */
export const replacementCharacter = '\uFFFD';

/** The refusal, the same for deps, outputs and `stoat hash`: `what` and how it relates to `shown` ("dep "data" contains"). */
export function undecodableNameError(relation: string, shown: string): UsageError {
  return new UsageError(
    `${relation} ${shown}, a file name that is not valid UTF-8: stoat records names as UTF-8 text, so it cannot keep this one; ` +
      'rename it to a UTF-8 name (convmv converts names from other encodings), or move it out',
  );
}

/**
 * The first name in `directory` that is not valid UTF-8, escaped, or undefined when every name is
 * valid (a name may hold U+FFFD itself).
 */
export function findUndecodableName(directory: string): string | undefined {
  const name = readdirSync(directory, { encoding: 'buffer' }).find((bytes) => !isUtf8(bytes));
  return name === undefined ? undefined : escapedName(name);
}

/**
 * For a path read as text that names nothing: the path with its first name that is not valid UTF-8
 * on disk escaped (`data/caf\xe9.txt`), or undefined when no such name explains why it is missing.
 * `relativePath` is `/`-separated, below `root`.
 */
export function findUndecodablePath(root: string, relativePath: string): string | undefined {
  if (!relativePath.includes(replacementCharacter)) return undefined;
  const segments = relativePath.split('/');
  let directory = root;
  for (const [index, segment] of segments.entries()) {
    const next = join(directory, segment);
    if (segment.includes(replacementCharacter) && !exists(next)) {
      const bytes = namesIn(directory).find((name) => !isUtf8(name) && name.toString('utf8') === segment);
      if (bytes === undefined) return undefined;
      return [...segments.slice(0, index).map(printable), escapedName(bytes), ...segments.slice(index + 1).map(printable)].join('/');
    }
    directory = next;
  }
  return undefined;
}

/**
 * A name's bytes as text: valid UTF-8 as it reads (control characters escaped by printable), each
 * byte that is not part of valid UTF-8 as `\xNN`, the form `ls -b` prints.
 */
export function escapedName(bytes: Uint8Array): string {
  let shown = '';
  let runStart = 0;
  let index = 0;
  while (index < bytes.length) {
    const length = sequenceLength(bytes, index);
    if (length > 0) {
      index += length;
      continue;
    }
    shown += `${printable(Buffer.from(bytes.subarray(runStart, index)).toString('utf8'))}\\x${bytes[index]!.toString(16).padStart(2, '0')}`;
    index += 1;
    runStart = index;
  }
  return shown + printable(Buffer.from(bytes.subarray(runStart)).toString('utf8'));
}

/** The length of the valid UTF-8 character at `index`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, index: number): number {
  for (let length = 1; length <= 4 && index + length <= bytes.length; length++) {
    if (isUtf8(bytes.subarray(index, index + length))) return length;
  }
  return 0;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function namesIn(directory: string): Buffer[] {
  try {
    return readdirSync(directory, { encoding: 'buffer' });
  } catch {
    return [];
  }
}
