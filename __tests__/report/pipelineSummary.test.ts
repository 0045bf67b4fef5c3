import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { marked, type Tokens } from 'marked';
import { type PipelineGraph } from '../../src/core/pipelineProject.js';
import { type PipelineSummaryStep, pipelineMermaid, renderPipelineSummary } from '../../src/report/pipelineSummary.js';
import { assertNoInjectedHtml, assertTablesIntact, tables } from '../helpers/githubMarkdown.js';

const graph: PipelineGraph = {
  steps: ['prepare', 'features-a', 'features-b', 'train'],
  targets: ['train'],
  needs: new Map([
    ['prepare', []],
    ['features-a', ['prepare']],
    ['features-b', ['prepare']],
    ['train', ['features-a', 'features-b']],
  ]),
  warnings: [],
};

const steps: PipelineSummaryStep[] = [
  { name: 'prepare', status: 'skipped', reason: 'outputs present and current', duration_ms: 4, saved_ms: 12_000 },
  { name: 'features-a', status: 'restored', reason: 'a saved result', duration_ms: 800, saved_ms: 30_000 },
  { name: 'features-b', status: 'ran', reason: 'features/b.sh changed', duration_ms: 5_000, saved_ms: null },
  { name: 'train', status: 'failed', reason: 'the command exited with 1', duration_ms: 2_000, saved_ms: null },
];

function mermaidBlock(markdown: string): string {
  const blocks = marked.lexer(markdown).filter((token): token is Tokens.Code => token.type === 'code' && token.lang === 'mermaid');
  assert.equal(blocks.length, 1, 'one Mermaid graph');
  return blocks[0]!.text;
}

/** The rendered page without the Mermaid block, which GitHub draws rather than shows as HTML. */
function withoutGraph(markdown: string): string {
  return markdown.replace(/```mermaid\n[\s\S]*?\n```\n/u, '');
}

describe('the summary of a pipeline run', () => {
  test('a table of every step with its verdict, time, time saved and reason, in plan order', () => {
    const markdown = renderPipelineSummary(graph, steps);
    assert.match(markdown, /^### stoat pipeline: 4 steps — 1 failed · saved 42\.0 s/u);
    assert.equal(assertTablesIntact(markdown), 1);
    const table = tables(marked.lexer(markdown))[0]!;
    assert.deepEqual(table.header.map((cell) => cell.text), ['step', 'verdict', 'time', 'saved', 'why']);
    assert.deepEqual(table.rows.map((row) => row[1]!.text.split(' ').pop()), ['skipped', 'restored', 'ran', 'failed']);
    assert.equal(table.rows[2]![4]!.text, 'features/b.sh changed');
  });

  test('the graph has one node per step coloured by verdict, and one edge per dependency', () => {
    const graphText = mermaidBlock(renderPipelineSummary(graph, steps));
    assert.match(graphText, /^flowchart LR/u);
    const nodes = [...graphText.matchAll(/^ {2}(step\d+)\["[^"]*"\]:::(\w+)$/gmu)].map((match) => `${match[1]}:${match[2]}`);
    assert.deepEqual(nodes, ['step0:skipped', 'step1:restored', 'step2:ran', 'step3:failed']);
    const edges = [...graphText.matchAll(/^ {2}(step\d+) --> (step\d+)$/gmu)].map((match) => `${match[1]}>${match[2]}`);
    assert.deepEqual(edges, ['step0>step1', 'step0>step2', 'step1>step3', 'step2>step3']);
    for (const status of ['skipped', 'restored', 'ran', 'failed', 'notrun']) assert.match(graphText, new RegExp(`classDef ${status} `, 'u'));
  });

  test('a step not reached is drawn as not run', () => {
    const graphText = pipelineMermaid(graph, steps.slice(0, 3));
    assert.match(graphText, /step3\["[^"]*train"\]:::notrun/u);
  });

  test('hostile step names and reasons break no table, no label, no fence, and inject no HTML', () => {
    const names = ['a"]:::failed --> x["', '```\n<script>alert(1)</script>', 'pipe|name', '</details>\n# heading'];
    const hostileGraph: PipelineGraph = { steps: names, targets: names, needs: new Map(names.map((name, index) => [name, index === 0 ? [] : [names[index - 1]!]])), warnings: [] };
    const hostileSteps = names.map((name): PipelineSummaryStep => ({ name, status: 'ran', reason: `${name} | <img src=x onerror=alert(1)>`, duration_ms: 1, saved_ms: null }));
    const sections = new Map(names.map((name) => [name, '**a section**']));
    const markdown = renderPipelineSummary(hostileGraph, hostileSteps, sections);
    assertTablesIntact(markdown);
    const graphText = mermaidBlock(markdown);
    const lines = graphText.split('\n');
    assert.equal(lines.filter((line) => / {2}step\d+\[/u.test(line)).length, 4, 'each hostile name stays inside its own node');
    for (const line of lines.filter((each) => each.includes('['))) assert.match(line, /^ {2}step\d+\["[A-Za-z0-9 _.#;-]*"\]:::ran$/u);
    assert.equal(lines.filter((line) => line.includes('-->')).length, 3, 'no edge the names made up');
    assertNoInjectedHtml(withoutGraph(markdown).replaceAll('<details><summary>', '').replaceAll('</summary>', '').replaceAll('</details>', ''));
    assert.equal((markdown.match(/<details>/gu) ?? []).length, 4, 'one collapsed section per step');
  });
});
