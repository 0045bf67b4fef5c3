import { UsageError } from './errors.js';
import { shortenedPath } from './pathLimit.js';
import { printable } from './printable.js';
import { findPathCollision, manifestPathProblem } from './safePath.js';

/**
 * Refuses an output whose file names a restore would refuse (the rule of safePath.ts, which every
 * restore applies): saving it would report "saved" and then miss on every later run. `paths` are
 * the output's manifest paths; `what` names the output.
 */
export function checkSavableNames(what: string, paths: readonly string[]): void {
  for (const path of paths) {
    const problem = manifestPathProblem(path, showPath);
    if (problem !== undefined) {
      throw new UsageError(`${what} cannot be saved: ${problem}, which no restore accepts: rename it`);
    }
  }
  const collision = findPathCollision(paths);
  if (collision === undefined) return;
  const [earlier, path] = distinguish(collision.earlier, collision.path);
  const clash =
    collision.kind === 'file-and-directory'
      ? `${earlier} as a file and ${path} inside a folder of the same name`
      : `both ${earlier} and ${path}`;
  throw new UsageError(
    `${what} cannot be saved: it holds ${clash}, one name on a file system that ignores case or Unicode normalization (macOS, Windows), ` +
      'so no restore accepts it: rename one of them',
  );
}

function showPath(path: string): string {
  return `"${printable(shortenedPath(path))}"`;
}

/**
 * Both paths quoted, each followed by the code points where the two differ when that difference
 * is not plain ASCII: "café" in two normalizations looks the same on screen, U+0065 U+0301 and
 * U+00E9 do not.
 */
function distinguish(a: string, b: string): [string, string] {
  const first = Array.from(a);
  const second = Array.from(b);
  let start = 0;
  while (start < first.length && start < second.length && first[start] === second[start]) start++;
  let end = 0;
  while (end < first.length - start && end < second.length - start && first[first.length - 1 - end] === second[second.length - 1 - end]) end++;
  const differing = [first.slice(start, first.length - end), second.slice(start, second.length - end)];
  const quoted = [a, b].map((path) => `"${printable(path)}"`);
  // eslint-disable-next-line no-control-regex
  if (differing.flat().every((character) => /^[\u0000-\u007f]$/.test(character))) return [quoted[0]!, quoted[1]!];
  const points = differing.map((characters) => characters.map((character) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' '));
  return [`${quoted[0]} (${points[0]})`, `${quoted[1]} (${points[1]})`];
}
