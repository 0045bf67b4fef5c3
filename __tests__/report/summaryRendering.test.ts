import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { explainDifference, firstRunExplanation, type NearestResult } from '../../src/core/missExplanation.js';
import { type InputReport, type StepReport } from '../../src/core/stepReport.js';
import { renderJobTable } from '../../src/report/jobTable.js';
import { defaultBudgetBytes, renderSummary } from '../../src/report/summaryMarkdown.js';
import { marked, type Tokens } from 'marked';
import { assertNoInjectedHtml, assertTablesIntact, tables } from '../helpers/githubMarkdown.js';

/*
 * The job summary as GitHub renders it: GitHub-flavoured Markdown, parsed here by marked (GFM on).
 * Every table must keep its columns whatever user text is in it, and no user text may become HTML.
 */

const key = 'c0ffee'.padEnd(64, '0');
const hash = (character: string): string => character.repeat(64);

/** Paths, command lines and messages that try every way out of a cell or into HTML. */
const hostile = [
  'a|b',
  'pipe \\| escaped',
  '`tick` and ``double``',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'line one\nline two\r\n| fake | row |',
  '</details>\n\n# heading',
  '[link](javascript:alert(1))',
  '&lt;entity&gt; &#124;',
  '**bold** _em_ ~~strike~~ $math$',
  '<!-- comment -->',
  'trailing backslash \\',
];

function report(overrides: Partial<StepReport> = {}): StepReport {
  return {
    status: 'miss',
    reason: 'no saved result for this key',
    key,
    scope: 'pr-42',
    read_scopes: ['pr-42', 'trusted'],
    restored_scope: null,
    remote: 's3://bucket/cache',
    command: ['python train.py'],
    ran: true,
    exit_code: 0,
    save: 'saved into scope "pr-42"',
    inputs: [],
    outputs: [],
    durations_ms: { hash: 1, restore: 2, run: 3, save: 4 },
    warnings: [],
    damaged_objects: [],
    restored_from: null,
    explanation: null,
    ...overrides,
  };
}

function input(path: string, index: number, since?: 'changed' | 'new'): InputReport {
  const hex = index.toString(16).padStart(8, '0');
  return { path, size: 10, md5: hex.repeat(4), sha1: hex.repeat(5), sha256: hex.repeat(8), ...(since === undefined ? {} : { since_last_use: since }) };
}

/** A report whose every free-text field is hostile, on a miss explained with hostile names. */
function hostileReport(): StepReport {
  const nearest: NearestResult = { output: hostile[0]!, scope: 'trusted', key: hash('e'), tree: hash('f'), manifest: hostile[3]!, created: '2026-01-01T00:00:00Z', commit: '<b>', run: 'javascript:alert(1)', repository: '<x>/y', duration_ms: 5 };
  const before = { script: hostile, deps: hostile.map((path, index) => [path, hash(String(index % 10))] as const), env: [['A|B', null]] as const, extra: '', outputs: [hostile[1]!] };
  const after = { script: hostile.map((line) => `${line} changed`), deps: hostile.map((path, index) => [path, hash(String((index + 1) % 10))] as const), env: [['A|B', hash('1')]] as const, extra: '|', outputs: [hostile[2]!] };
  return report({
    command: hostile,
    reason: hostile.join(' '),
    remote: hostile[5]!,
    save: hostile[4]!,
    warnings: hostile,
    inputs: hostile.map((path, index) => input(path, index, index % 2 === 0 ? 'changed' : undefined)),
    outputs: hostile.map((path) => ({ path, status: 'saved' as const, tree: hash('a'), files: 1, bytes: 1, transferred_bytes: 1, manifest: `s3://b/${path}` })),
    explanation: explainDifference(before, after, nearest, hostile),
  });
}


describe('the summary as GitHub renders it', () => {
  test('hostile paths, command lines and messages break no table and inject no HTML', () => {
    const markdown = renderSummary(hostileReport());
    assert.ok(assertTablesIntact(markdown) >= 2, 'the outputs and input-hash tables are there');
    assertNoInjectedHtml(markdown);
  });

  test('a hostile cell keeps its whole text in one cell, shown as written', () => {
    const markdown = renderSummary(hostileReport());
    const outputs = tables(marked.lexer(markdown)).find((table) => table.header[0]!.text === 'output')!;
    const shown = outputs.rows.map((row) => decode(marked.parseInline(row[0]!.text, { async: false })));
    // Line breaks become spaces; everything else is shown as it is.
    assert.deepEqual(shown, hostile.map((path) => path.replace(/\r\n|\n/g, ' ')));
  });

  test('every verdict renders with intact tables', () => {
    const nearest: NearestResult = { output: 'model', scope: 'trusted', key: hash('e'), tree: hash('f'), manifest: 'm.json', created: '2026-01-01T00:00:00Z', commit: hash('a').slice(0, 40), run: 'https://github.com/o/r/actions/runs/1/attempts/1', repository: 'o/r', duration_ms: 5 };
    const reports = [
      report({ status: 'hit', ran: false, restored_from: { scope: 'trusted', commit: null, ref: null, run: null, repository: null, created: '2026-01-01T00:00:00Z', duration_ms: 100 } }),
      report({ explanation: firstRunExplanation(['model'], ['pr-42', 'trusted']) }),
      report({ explanation: explainDifference({ script: ['a'], deps: [], env: [], extra: '', outputs: ['m'] }, { script: ['b'], deps: [], env: [], extra: '', outputs: ['m'] }, nearest, []) }),
      report({ status: 'error', reason: 'the remote failed' }),
      report({ reason: '', ran: false, outputs: [{ path: 'm', status: 'saved', tree: hash('a'), files: 1, bytes: 1, transferred_bytes: 1, manifest: 'm.json' }] }),
    ];
    for (const each of reports) {
      const markdown = renderSummary(each);
      assertTablesIntact(markdown);
      assertNoInjectedHtml(markdown);
      assert.equal(marked.lexer(markdown)[0]!.type, 'heading');
    }
  });

  test('sections written one after another render as separate sections', () => {
    const sections = [renderSummary(report()), renderSummary(report({ status: 'hit', ran: false })), renderJobTable([{ id: 'a', title: 'x', emoji: '▶️', verdict: 'ran', total_ms: 1, saved_ms: null }, { id: 'b', title: 'y', emoji: '♻️', verdict: 'restored', total_ms: 1, saved_ms: 5 }]), renderSummary(report())];
    const tokens = marked.lexer(sections.join(''));
    const headings = tokens.filter((token) => token.type === 'heading').map((token) => (token as Tokens.Heading).depth);
    assert.deepEqual(headings, [3, 3, 3, 3], 'each section opens with its own heading, none swallowed by the HTML block before it');
    for (const section of sections) assert.ok(section.endsWith('\n\n'), 'a blank line closes every section');
  });

  test('a section stays under 256 KiB at 100,000 inputs, marked changes first, with intact tables', () => {
    const inputs = Array.from({ length: 100_000 }, (_, index) => input(`shard-${index % 20}/file-${String(index).padStart(6, '0')}.txt`, index, index % 1000 === 999 ? 'changed' : index % 1000 === 500 ? 'new' : undefined));
    const markdown = renderSummary(report({ inputs }));
    assert.ok(Buffer.byteLength(markdown) <= defaultBudgetBytes, `${Buffer.byteLength(markdown)} bytes`);
    assertTablesIntact(markdown);
    const table = tables(marked.lexer(markdown)).find((each) => each.header[0]!.text === 'path')!;
    assert.deepEqual(table.header.map((cell) => cell.text), ['path', 'since last use', 'size', 'md5', 'sha1', 'sha256']);
    const marks = table.rows.map((row) => row[1]!.text);
    assert.deepEqual(marks.slice(0, 100), Array(100).fill('**changed**'));
    assert.deepEqual(marks.slice(100, 200), Array(100).fill('**new**'));
    assert.equal(marks[200], '');
    assert.match(markdown, /<summary>Input-hash report: 100,000 files, 976.6 KiB · 100 changed since last use, 100 new<\/summary>/);
  });
});

/** The text a browser shows for inline HTML: tags dropped, references decoded. */
function decode(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
