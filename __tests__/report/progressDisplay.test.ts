import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from '@jest/globals';
import { logProgress, terminalProgress } from '../../src/report/progressDisplay.js';

test('a CI log gets at most one line per interval while moving, then the totals', () => {
  const lines: string[] = [];
  const progress = logProgress((line) => lines.push(line), 60_000);
  progress.begin('restoring', 3 * 1024 * 1024, 3);
  for (let index = 0; index < 3; index++) progress.advance(1024 * 1024, 1);
  progress.end();
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0]!, /^restored 3\.00 MiB in 3 files in \d+ ms \(.+\/s\)$/);
});

test('a log line while moving says how far, how fast and how long is left', () => {
  const lines: string[] = [];
  const progress = logProgress((line) => lines.push(line), 0);
  progress.begin('saving', 2048, 2);
  progress.advance(1024, 1);
  progress.end();
  assert.match(lines[0]!, /^saving 1\.00 KiB \/ 2\.00 KiB, 1 \/ 2 files, .+\/s, about .+ left$/);
  assert.match(lines[1]!, /^saved 1\.00 KiB in 1 files/);
});

test('a terminal gets a bar redrawn in place, and nothing for a phase with nothing to move', () => {
  let written = '';
  const stream = new Writable({ write: (chunk, _encoding, callback) => ((written += String(chunk)), callback()) });
  const progress = terminalProgress(Object.assign(stream, { columns: 200 }));
  progress.begin('saving', 0, 0);
  progress.advance(0, 0);
  progress.end();
  assert.equal(written, '');
  progress.begin('restoring', 100, 1);
  progress.advance(100, 1);
  progress.end();
  assert.match(written, /^\r\[\.{20}\] restoring 0 B \/ 100 B, 0 \/ 1 files/);
  assert.match(written, /\rrestored 100 B in 1 files in .+\n$/);
});

test('the time left follows the files when they lag behind the bytes: many small files cost time each', async () => {
  const lines: string[] = [];
  const progress = logProgress((line) => lines.push(line), 0);
  progress.begin('restoring', 1000, 1000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Every byte is in (one pack), but only one file of a thousand is written.
  progress.advance(1000, 1);
  progress.end();
  const left = /about (\d+(?:\.\d)?) (ms|s|min)/.exec(lines[0]!);
  assert.ok(left !== null, lines[0]);
  // 50 ms for a thousandth of the files: close to a minute left, not nothing.
  assert.ok(left[2] !== 'ms' && (left[2] === 'min' || Number(left[1]) >= 10), lines[0]);
});
