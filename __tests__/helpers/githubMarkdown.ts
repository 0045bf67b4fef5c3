import assert from 'node:assert/strict';
import { marked, type Token, type Tokens } from 'marked';

/*
 * Checks of Markdown as GitHub renders it: GitHub-flavoured Markdown, parsed by marked (GFM on).
 * Every table must keep its columns whatever user text is in it, and no user text may become HTML.
 */

/** Cells of a raw table row, split where GFM splits them: at every pipe not escaped by a backslash. */
function rawCells(row: string): number {
  return row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).length;
}

export function tables(tokens: readonly Token[]): Tokens.Table[] {
  return tokens.flatMap((token) => (token.type === 'table' ? [token as Tokens.Table] : 'tokens' in token && Array.isArray(token.tokens) ? tables(token.tokens) : []));
}

/** Checks every table row has exactly the header's number of cells, in the raw text GitHub splits. */
export function assertTablesIntact(markdown: string): number {
  const found = tables(marked.lexer(markdown));
  for (const table of found) {
    const lines = table.raw.trim().split('\n');
    const columns = table.header.length;
    for (const line of lines) assert.equal(rawCells(line), columns, `a row of ${columns} columns: ${line}`);
    assert.equal(table.rows.length, lines.length - 2);
  }
  return found.length;
}

/** Every HTML tag in the rendered page is one stoat writes, with no attribute but a link's href. */
const allowedTags = new Set(['h3', 'p', 'strong', 'em', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'details', 'summary', 'a']);

export function assertNoInjectedHtml(markdown: string): void {
  const html = marked.parse(markdown, { async: false });
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const [tag, closing, name, attributes] = match;
    assert.ok(allowedTags.has(name!.toLowerCase()), `an element stoat never writes: ${tag}`);
    if (closing === '/') continue;
    if (name === 'a') assert.match(attributes!, /^ href="https:\/\/[^"<>]*"$/, `a link to anything but https: ${tag}`);
    else if (name === 'td' || name === 'th') assert.match(attributes!, /^( align="(left|right|center)")?$/, `attributes on ${tag}`);
    else assert.equal(attributes, '', `attributes on ${tag}`);
  }
  // User text may say "javascript:" as inert words; what it must never be is a link or an HTML comment.
  assert.doesNotMatch(html, /<!--|href="javascript/);
}
