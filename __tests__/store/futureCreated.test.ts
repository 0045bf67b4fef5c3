import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { listFilePaths, makeTemporaryDirectory } from '../helpers/workspace.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('future-created');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a result claiming to be made in the future does not stay the newest for ever', async () => {
  const workspace = join(root, 'workspace');
  const remoteRoot = join(root, 'remote');
  const definition: StepDefinition = { workingDirectory: workspace, command: ['mkdir -p out && echo first > out/value.txt'], deps: [], outputs: ['out'], env: [], keyExtra: '' };
  const context = { remote: await openRemote(remoteRoot, root), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
  await import('node:fs/promises').then((fs) => fs.mkdir(workspace, { recursive: true }));
  assert.equal((await executeStep(definition, context, 'auto')).outputs[0]!.status, 'saved');

  // Someone who can write the scope dates that result far ahead.
  const [planted] = (await listFilePaths(remoteRoot)).filter((path) => path.endsWith('.json'));
  const manifest = JSON.parse(await readFile(join(remoteRoot, planted!), 'utf8')) as { provenance: { created: string } };
  manifest.provenance.created = '2999-01-01T00:00:00.000Z';
  await writeFile(join(remoteRoot, planted!), JSON.stringify(manifest));

  // A later save of the same step made other bytes (the command is not deterministic).
  await writeFile(join(workspace, 'out', 'value.txt'), 'second\n');
  assert.equal((await saveOnly(definition, context, { policy: 'auto', runMs: null })).outputs[0]!.status, 'saved');

  await rm(join(workspace, 'out'), { recursive: true });
  const restored = await restoreOnly(definition, context);
  assert.equal(restored.status, 'hit', restored.reason);
  assert.equal(await readFile(join(workspace, 'out', 'value.txt'), 'utf8'), 'second\n', 'the result saved now wins over the one dated 2999');
  assert.ok(restored.warnings.some((warning) => /2999-01-01.*more than a day ahead of this machine's clock/.test(warning)), restored.warnings.join('\n'));
});
