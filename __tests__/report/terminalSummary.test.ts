import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type StepReport } from '../../src/core/stepReport.js';
import { terminalSummaryLines } from '../../src/report/terminalSummary.js';

const key = 'c0ffee'.padEnd(64, '0');

function report(overrides: Partial<StepReport> = {}): StepReport {
  return {
    status: 'miss',
    reason: 'no saved result for this key in scopes local, trusted',
    key,
    scope: 'local',
    read_scopes: ['local', 'trusted'],
    restored_scope: null,
    remote: 's3://bucket/cache',
    command: ['make out'],
    ran: true,
    exit_code: 0,
    save: 'saved into scope "local"',
    inputs: [],
    outputs: [{ path: 'out', status: 'saved', tree: 'ab'.repeat(32), files: 2, bytes: 2048, transferred_bytes: 2048, manifest: 's3://bucket/cache/m.json' }],
    durations_ms: { hash: 10, restore: 20, run: 30, save: 40 },
    warnings: [],
    damaged_objects: [],
    restored_from: null,
    explanation: null,
    ...overrides,
  };
}

/** What `stoat save` and the save sub-action report: no restore was tried, nothing ran. */
const saveOnly = { reason: '', ran: false, exit_code: null } satisfies Partial<StepReport>;

describe('the text report', () => {
  test('gives the verdict with its reason, the key, the store used and each output, one line each', () => {
    const lines = terminalSummaryLines(report());
    assert.equal(lines[0], 'stoat: miss: no saved result for this key in scopes local, trusted');
    assert.ok(lines.includes(`  key ${key} (scope local; reads local, trusted)`));
    assert.ok(lines.includes('  remote s3://bucket/cache'), lines.join('\n'));
    assert.ok(lines.includes('  output out: saved, 2 files, 2.00 KiB, 2.00 KiB transferred'), lines.join('\n'));
    assert.ok(lines.every((line) => !line.includes('\n')));
  });

  test('a save on its own says what it saved instead of an empty miss', () => {
    assert.equal(terminalSummaryLines(report({ ...saveOnly }))[0], 'stoat: save only: saved into scope "local"');
    assert.equal(terminalSummaryLines(report({ ...saveOnly, save: 'skipped: save is "never"' }))[0], 'stoat: save only: skipped: save is "never"');
    const failed = terminalSummaryLines(report({ ...saveOnly, status: 'error', save: 'failed: could not put x (HTTP 500)' }))[0];
    assert.equal(failed, 'stoat: remote error: the save failed: could not put x (HTTP 500)');
  });

  test('a field with a line break stays inside its own line, for the face to make printable', () => {
    const lines = terminalSummaryLines(report({ status: 'error', reason: 'the remote failed: Access Denied\n::error::forged', remote: 's3://bucket/a\nb' }));
    assert.equal(lines[0], 'stoat: remote error: the remote failed: Access Denied\n::error::forged');
    assert.ok(lines.includes('  remote s3://bucket/a\nb'));
  });
});
