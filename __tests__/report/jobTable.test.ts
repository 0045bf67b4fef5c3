import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type StepReport } from '../../src/core/stepReport.js';
import { jobRowOf, renderJobTable } from '../../src/report/jobTable.js';

const base: StepReport = {
  status: 'miss',
  reason: 'no saved result for this key',
  key: 'c'.repeat(64),
  scope: 'trusted',
  read_scopes: ['trusted'],
  restored_scope: null,
  remote: 's3://b',
  command: ['python train.py'],
  ran: true,
  exit_code: 0,
  save: 'saved into scope "trusted"',
  inputs: [],
  outputs: [],
  durations_ms: { hash: 100, restore: 200, run: 60_000, save: 700 },
  warnings: [],
  damaged_objects: [],
  restored_from: null,
  explanation: null,
};
const restored = { ...base, status: 'hit', ran: false, save: 'not needed: restored', durations_ms: { hash: 100, restore: 900, run: 0, save: 0 }, restored_from: { scope: 'trusted', commit: null, ref: null, run: null, repository: null, created: '2026-01-01T00:00:00Z', duration_ms: 121_000 } } satisfies StepReport;

describe('the job\'s table of stoat steps', () => {
  test('a row per step: verdict, all the time it took, and the time a hit saved', () => {
    assert.deepEqual(jobRowOf('a', base), { id: 'a', title: 'python train.py', emoji: '▶️', verdict: 'ran', total_ms: 61_000, saved_ms: null });
    assert.deepEqual(jobRowOf('b', restored), { id: 'b', title: 'python train.py', emoji: '♻️', verdict: 'restored', total_ms: 1000, saved_ms: 120_000 });
    const post = { ...base, ran: false, outputs: [{ path: 'm', status: 'saved' as const, tree: null, files: 1, bytes: 1, transferred_bytes: 1, manifest: null }] };
    assert.equal(jobRowOf('c', post).verdict, 'saved after a miss');
  });

  test('sums the steps up in its heading and escapes every name', () => {
    const rows = [jobRowOf('a', restored), jobRowOf('b', { ...base, command: ['make | tee <b>log</b>'] }), jobRowOf('c', restored)];
    const markdown = renderJobTable(rows);
    assert.equal(
      markdown,
      [
        '### stoat: 3 steps — 2 restored, 1 ran · saved 4 min 0 s',
        '',
        '| step | verdict | time | saved |',
        '|---|---|--:|--:|',
        '| <code>python train.py</code> | ♻️ restored | 1.0 s | 2 min 0 s |',
        '| <code>make &#124; tee &lt;b&gt;log&lt;/b&gt;</code> | ▶️ ran | 1 min 1 s | — |',
        '| <code>python train.py</code> | ♻️ restored | 1.0 s | 2 min 0 s |',
        '',
        '',
      ].join('\n'),
    );
  });

  test('a job of many steps keeps a short table', () => {
    const rows = Array.from({ length: 120 }, (_, index) => jobRowOf(String(index), base));
    const markdown = renderJobTable(rows);
    assert.equal(markdown.split('\n').filter((line) => line.startsWith('| <code>python')).length, 50);
    assert.match(markdown, /\| … 70 more steps \| \| \| \|/);
  });
});
