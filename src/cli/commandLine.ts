/**
 * The script line for `stoat exec -- CMD...`. One argument is a script as written (like `bash -c`);
 * several are quoted and joined, so `-- python train.py --seed 1` makes the same key as the Action's
 * `run: python train.py --seed 1`.
 */
export function commandLine(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : words.map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
