/** A changed line shown by the words that changed, as a reviewer would point at them. */
export interface LineExcerpt {
  before: string;
  after: string;
}

/** Characters of each side at most: a line of a script can be a page long. */
const excerptCharacters = 60;

/**
 * The words that differ between two versions of a line, with the word before them for context:
 * `python train.py --epochs 10` and `… --epochs 20` give `--epochs 10` → `--epochs 20`. Words are
 * split at whitespace and the common words at either end are left out; the line number, given
 * beside it, says where the line is. A change in spacing alone shows both lines whole.
 */
export function lineExcerpt(before: string, after: string): LineExcerpt {
  const old = words(before);
  const now = words(after);
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start]) start++;
  let end = 0;
  while (end < old.length - start && end < now.length - start && old[old.length - 1 - end] === now[now.length - 1 - end]) end++;
  // One common word before the change (an option's name, the program) says where the change is.
  const from = Math.max(0, start - 1);
  const side = (list: readonly string[]): string => shorten(list.slice(from, list.length - end).join(' '));
  const excerpt = { before: side(old), after: side(now) };
  return excerpt.before === excerpt.after ? { before: shorten(before), after: shorten(after) } : excerpt;
}

function words(line: string): string[] {
  return line.trim().split(/\s+/).filter((word) => word !== '');
}

function shorten(text: string): string {
  const characters = Array.from(text);
  return characters.length <= excerptCharacters ? text : `${characters.slice(0, excerptCharacters - 1).join('')}…`;
}
