/**
 * Writing text into GitHub-flavoured Markdown that a reviewer reads: untrusted strings made inert,
 * counts made readable, and lines measured in UTF-8 bytes, because GitHub caps a summary in bytes.
 * Sizes and durations are written by ./units.js, shared with the terminal output.
 */

/**
 * Characters Markdown or HTML would read as syntax (tables, tags, entities, code, emphasis, links,
 * math) become numeric references, which render as the character itself and never as markup.
 */
const syntaxReferences: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '*': '&#42;',
  '_': '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  '$': '&#36;',
};

/**
 * Syntax characters; line breaks and tabs; then control, bidirectional and invisible format
 * characters (which could hide or reorder what a reviewer sees) and lone surrogates.
 */
const unsafeCharacters =
  // eslint-disable-next-line no-control-regex -- finding control characters is the purpose of this pattern
  /[&<>|`\\*_[\]~$]|\r\n|[\t\n\r\u0085\u2028\u2029]|[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udfff]/gu;

const lineBreaks = new Set(['\r\n', '\t', '\n', '\r', '\u0085', '\u2028', '\u2029']);

function escapeCharacter(character: string): string {
  const reference = syntaxReferences[character];
  if (reference !== undefined) return reference;
  if (lineBreaks.has(character)) return ' ';
  // Shown as a visible escape so that two paths that differ only in such a character look different.
  return `&#92;u{${character.codePointAt(0)!.toString(16)}}`;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Makes untrusted text safe inside a paragraph, a list item or a table cell. Past `maxBytes` (of
 * escaped output) the text is cut at a character boundary and ends with "…".
 */
export function escapeText(text: string, maxBytes = Number.POSITIVE_INFINITY): string {
  const escaped = text.replace(unsafeCharacters, escapeCharacter);
  if (byteLength(escaped) <= maxBytes) return escaped;
  const ellipsis = '…';
  let bytes = byteLength(ellipsis);
  const pieces: string[] = [];
  // Escaping one code point at a time so the cut never falls inside a reference or a surrogate pair.
  for (const character of text) {
    const piece = character.replace(unsafeCharacters, escapeCharacter);
    const pieceBytes = byteLength(piece);
    if (bytes + pieceBytes > maxBytes) break;
    pieces.push(piece);
    bytes += pieceBytes;
  }
  return pieces.join('') + ellipsis;
}

/** Text that means the same inside a backtick code span and a table cell, so it needs no escaping. */
const plainCodeText = /^[A-Za-z0-9._:/@+=%,-]+$/;

/** Monospaced text, for keys, hashes, scopes and paths. */
export function code(text: string, maxBytes = Number.POSITIVE_INFINITY): string {
  if (text.length <= maxBytes && plainCodeText.test(text)) return `\`${text}\``;
  // A backtick span would show entities literally, so untrusted text goes in an HTML element instead.
  return `<code>${escapeText(text, maxBytes)}</code>`;
}

/** At most `maxCharacters` code points, so that a surrogate pair is never split. */
export function shortenText(text: string, maxCharacters: number): string {
  const characters = Array.from(text);
  if (characters.length <= maxCharacters) return text;
  return `${characters.slice(0, maxCharacters - 1).join('')}…`;
}

/** 1234567 → "1,234,567": counts of files are compared by eye. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** What `lines.join('\n')` costs, counted with one newline per line so that sums stay upper bounds. */
export function linesBytes(lines: readonly string[]): number {
  return lines.reduce((bytes, line) => bytes + byteLength(line) + 1, 0);
}

export interface TakenLines {
  lines: string[];
  /** Bytes of the lines, each counted with the newline that follows it. */
  bytes: number;
  /** True when every line was taken. */
  complete: boolean;
}

/**
 * Takes lines in order while they fit and stops at the first that does not, so what is shown is
 * always a prefix and the reader can be told exactly what was left out. Lines are pulled lazily:
 * with 100,000 inputs only the rows that fit are ever built.
 */
export function takeLinesWithin(lines: Iterable<string>, budgetBytes: number): TakenLines {
  const taken: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const lineBytes = byteLength(line) + 1;
    if (bytes + lineBytes > budgetBytes) return { lines: taken, bytes, complete: false };
    taken.push(line);
    bytes += lineBytes;
  }
  return { lines: taken, bytes, complete: true };
}
