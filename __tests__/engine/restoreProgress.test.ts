import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { logProgress } from '../../src/report/progressDisplay.js';
import { formatBytes } from '../../src/report/units.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('restore-progress');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a restore of many files with the same content counts and shows the bytes it moved, not the copies', async () => {
  const workspace = join(root, 'workspace');
  // 3,000 files: 2,990 of one 5-byte content, 10 of 100 distinct bytes each.
  const command = ['mkdir -p out && for i in $(seq 1 2990); do echo same > out/copy-$i.txt; done && for i in $(seq 1 10); do head -c 100 /dev/urandom > out/own-$i.bin; done'];
  const definition = { workingDirectory: workspace, command, deps: [], outputs: ['out'], env: [], keyExtra: '' };
  await import('node:fs/promises').then((fs) => fs.mkdir(workspace, { recursive: true }));
  const remote = await openRemote(join(root, 'remote'), root);
  const context = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 8, failOnCacheError: false, environment: process.env };
  const saved = await executeStep(definition, context, 'auto');
  assert.equal(saved.outputs[0]!.status, 'saved');

  await rm(join(workspace, 'out'), { recursive: true });
  const lines: string[] = [];
  const restored = await executeStep(definition, { ...context, progress: logProgress((line) => lines.push(line), 0) }, 'auto');
  assert.equal(restored.status, 'hit', restored.reason);
  const distinctBytes = 5 + 10 * 100;
  assert.equal(restored.outputs[0]!.transferred_bytes, distinctBytes, 'the copies of one content moved no bytes');
  const moving = lines.filter((line) => line.startsWith('restoring '));
  assert.ok(moving.length > 0, lines.join('\n'));
  for (const line of moving) assert.ok(line.includes(` / ${formatBytes(distinctBytes)}, `), line);
  assert.match(lines.at(-1)!, new RegExp(`^restored ${formatBytes(distinctBytes)} in 3000 files`));
});
