import { scriptLines } from './scriptLines.js';

/**
 * The script lines of `stoat exec -- WORD...`. One word is a script as written (like `bash -c`);
 * several are quoted and joined into one line, so `-- python train.py --seed 1` makes the key of
 * the Action's `run: python train.py --seed 1`. Either way the text then goes through the rule the
 * Action's `run` goes through. A word that needs no quoting stays bare, which keeps that promise
 * for the usual commands; any other is single-quoted, which bash reads back as the same word
 * whatever it holds (spaces, quotes, `$`, nothing at all).
 */
export function scriptOfWords(words: readonly string[]): string[] {
  return scriptLines(words.length === 1 ? words[0]! : words.map(shellQuote).join(' '));
}

function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
