import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { firstRunExplanation } from '../../src/core/missExplanation.js';
import { type StepReport } from '../../src/core/stepReport.js';
import { writeReportLines } from '../../src/cli/reportLines.js';

const report: StepReport = {
  status: 'miss',
  reason: 'no saved result\u001b[2J for this key',
  key: 'c'.repeat(64),
  scope: 'local',
  read_scopes: ['local'],
  restored_scope: null,
  remote: 'r',
  command: ['x'],
  ran: true,
  exit_code: 0,
  save: 's',
  inputs: [],
  outputs: [],
  durations_ms: { hash: 0, restore: 0, run: 0, save: 0 },
  warnings: [],
  damaged_objects: [],
  restored_from: null,
  explanation: firstRunExplanation(['model'], ['local']),
};

function written(isTTY: boolean, environment: NodeJS.ProcessEnv = {}): string {
  let text = '';
  const stream = { isTTY, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  writeReportLines(stream, report, environment);
  return text;
}

describe('the report on a terminal', () => {
  test('the verdict and why are coloured on a terminal, and only there', () => {
    const lines = written(true).split('\n');
    assert.equal(lines[0], '\u001b[33mstoat: miss: no saved result\\u001b[2J for this key\u001b[0m');
    assert.ok(lines[1]!.startsWith('  key '), lines[1]);
    assert.equal(lines[2], '\u001b[33m  why: first run of this step: nothing saved for `model` yet (in scopes local)\u001b[0m');
    for (const plain of [written(false), written(true, { NO_COLOR: '1' }), written(true, { TERM: 'dumb' })]) {
      assert.ok(!plain.includes('\u001b'), 'no escape code reaches a pipe, a log, NO_COLOR or a dumb terminal');
      assert.match(plain, /^stoat: miss: /);
    }
  });
});
