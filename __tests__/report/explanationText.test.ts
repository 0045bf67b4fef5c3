import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { explainDifference, firstRunExplanation, type NearestResult } from '../../src/core/missExplanation.js';
import { type InputReport, type StepReport } from '../../src/core/stepReport.js';
import { changedInputsWarning, explanationLines } from '../../src/report/explanationText.js';
import { originMarkdown } from '../../src/report/resultOrigin.js';
import { terminalSummary } from '../../src/report/terminalSummary.js';

const hash = (character: string): string => character.repeat(64);
const now = Date.parse('2026-01-03T00:00:00Z');
const commit = '0123456789abcdef0123456789abcdef01234567';
const nearest: NearestResult = { output: 'model', scope: 'trusted', key: hash('e'), tree: hash('f'), manifest: 'm.json', created: '2026-01-01T00:00:00Z', commit, run: null, repository: null, duration_ms: 1 };
const material = { script: ['python train.py --epochs 10'], deps: [['data/a.txt', hash('a')]] as const, env: [] as const, extra: '', outputs: ['model'] };

describe('the explanation as terminal lines', () => {
  test('the reason, then the changed words and short hashes, then what it was compared with', () => {
    const explanation = explainDifference(material, { ...material, script: ['python train.py --epochs 20'], deps: [['data/a.txt', hash('b')]] }, nearest, []);
    assert.deepEqual(explanationLines(explanation, now), [
      'why: line 1 of the command changed; dep `data/a.txt` changed',
      '  command line 1: --epochs 10 → --epochs 20',
      `  dep data/a.txt: ${hash('a').slice(0, 12)} → ${hash('b').slice(0, 12)}`,
      '  compared with the result saved 2 days ago (commit 0123456, scope trusted)',
    ]);
  });

  test('many changed files are counted by directory', () => {
    const deps = Array.from({ length: 40 }, (_, index) => [`corpus/train/${index}.txt`, hash('c')] as const);
    const lines = explanationLines(explainDifference(material, { ...material, deps: [...material.deps, ...deps] }, nearest, []), now);
    assert.ok(lines.includes('  deps: 40 added (corpus/train/: 40 added)'), lines.join('\n'));
  });

  test('on a miss the terminal report gives the verdict, why, and the inputs changed since last use', () => {
    const inputs: InputReport[] = Array.from({ length: 12 }, (_, index) => ({ path: `f${index}`, size: 1, md5: '', sha1: '', sha256: hash('a'), since_last_use: 'changed' }));
    const report = { status: 'miss', reason: 'no saved result for this key', key: hash('c'), scope: 'local', read_scopes: ['local'], restored_scope: null, remote: 'r', command: ['x'], ran: true, exit_code: 0, save: 's', inputs, outputs: [], durations_ms: { hash: 0, restore: 0, run: 0, save: 0 }, warnings: [], damaged_objects: [], restored_from: null, explanation: firstRunExplanation(['model'], ['local']) } satisfies StepReport;
    const lines = terminalSummary(report, now);
    assert.deepEqual(lines.slice(0, 4), [
      { text: 'stoat: miss: no saved result for this key', tone: 'miss' },
      { text: `  key ${hash('c')} (scope local; reads local)`, tone: 'plain' },
      { text: '  why: first run of this step: nothing saved for `model` yet (in scopes local)', tone: 'why' },
      { text: '  12 inputs have changed since the last saved result used them: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 and 2 more (the input-hash report lists them first)', tone: 'why' },
    ]);
    assert.equal(changedInputsWarning(inputs.slice(0, 1)), '1 input has changed since the last saved result used them: f0 (the input-hash report lists them first)');
    assert.equal(changedInputsWarning([{ ...inputs[0]!, since_last_use: 'new' }]), undefined);
  });
});

describe('where a result came from, as links', () => {
  const origin = { scope: 'trusted', commit, run: 'https://github.com/octo/pipeline/actions/runs/42/attempts/2', repository: 'octo/pipeline', created: '2026-01-02T21:00:00Z' };

  test('the commit and the run are linked when they have the shape stoat writes', () => {
    assert.equal(originMarkdown(origin, now), `[\`0123456\`](https://github.com/octo/pipeline/commit/${commit}) · [run 42](https://github.com/octo/pipeline/actions/runs/42/attempts/2) · 3 h ago · scope \`trusted\``);
  });

  test('anything else a manifest says is shown as inert text, never as a link', () => {
    for (const run of ['javascript:alert(1)', 'https://evil.example/)x/y/actions/runs/1', 'https://a)b.com/o/r/actions/runs/1', 'https://github.com/o/r/actions/runs/1?x=<b>', 'ftp://github.com/o/r/actions/runs/1', 'https://user:pw@github.com/o/r/actions/runs/1']) {
      const shown = originMarkdown({ ...origin, run }, now);
      assert.doesNotMatch(shown, /\]\(/, `${run} became a link: ${shown}`);
    }
    assert.equal(originMarkdown({ ...origin, commit: '<img src=x>', repository: null, run: null }, now), '<code>&lt;img sr</code> · 3 h ago · scope `trusted`');
    assert.doesNotMatch(originMarkdown({ ...origin, repository: 'o/r)[x](javascript:y' }, now), /commit/);
  });
});
