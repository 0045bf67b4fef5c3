import { UsageError } from './errors.js';

/**
 * A script line split into words the way a POSIX shell splits them (Python's `shlex.split`, which
 * Weasel runs each line through): whitespace separates words; single quotes keep everything
 * literally; double quotes keep everything but `\` before `\ " $` and a backquote; a backslash outside
 * quotes keeps the next character. Nothing is expanded: no variables, globs, pipes or redirections,
 * so a line means the same here as under `weasel run`.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;
  const take = (text: string): void => {
    word = (word ?? '') + text;
  };
  while (index < line.length) {
    const character = line[index]!;
    if (/\s/.test(character)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      index++;
    } else if (character === "'") {
      const end = line.indexOf("'", index + 1);
      if (end === -1) throw unclosed(line, 'single quote');
      take(line.slice(index + 1, end));
      index = end + 1;
    } else if (character === '"') {
      // Even empty quotes make a word: `""` is an empty argument.
      take('');
      index = doubleQuoted(line, index + 1, take);
    } else if (character === '\\') {
      if (index + 1 >= line.length) throw new UsageError(`script line ${JSON.stringify(line)} ends with a lone backslash: escape it as \\\\ or remove it`);
      // A backslash before a line break joins the lines, as in a shell.
      if (line[index + 1] !== '\n') take(line[index + 1]!);
      index += 2;
    } else {
      take(character);
      index++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Reads a double-quoted part from just after its opening quote; returns the index after its closing quote. */
function doubleQuoted(line: string, start: number, take: (text: string) => void): number {
  let index = start;
  while (index < line.length) {
    const character = line[index]!;
    if (character === '"') return index + 1;
    if (character === '\\' && index + 1 < line.length && '\\"$`\n'.includes(line[index + 1]!)) {
      if (line[index + 1] !== '\n') take(line[index + 1]!);
      index += 2;
    } else {
      take(character);
      index++;
    }
  }
  throw unclosed(line, 'double quote');
}

function unclosed(line: string, what: string): UsageError {
  return new UsageError(`script line ${JSON.stringify(line)} has a ${what} that is never closed: close it, or escape it with a backslash`);
}
