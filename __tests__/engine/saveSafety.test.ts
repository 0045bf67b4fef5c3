import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('save-safety');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A workspace, a directory remote of its own, and the context to save into it. */
async function setUp(name: string): Promise<{ workspace: string; remote: string; context: StepContext }> {
  const workspace = join(root, name, 'workspace');
  const remote = join(root, name, 'remote');
  await mkdir(workspace, { recursive: true });
  const context = { remote: await openRemote(remote, workspace), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
  return { workspace, remote, context };
}

function step(workspace: string, outputs: string[], deps: string[] = [], command = ['true']): StepDefinition {
  return { workingDirectory: workspace, command, deps, outputs, env: [], keyExtra: '' };
}

async function assertRefusedBeforeUpload(save: Promise<unknown>, remote: string, message: RegExp): Promise<void> {
  await assert.rejects(save, (error: Error) => {
    assert.ok(error instanceof UsageError, `${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(await listFilePaths(remote), [], 'nothing may reach the remote');
}

describe('save keeps to the working directory', () => {
  test('an output below a link that leads out of the working directory is refused, naming the link, before anything is uploaded', async () => {
    const { workspace, remote, context } = await setUp('parent-link');
    const outside = join(root, 'parent-link', 'outside');
    await writeFiles(outside, { 'ssh/id_ed25519': 'private key', 'ssh/config': 'Host *' });
    await symlink(outside, join(workspace, 'home'));
    await assertRefusedBeforeUpload(
      saveOnly(step(workspace, ['home/ssh']), context, { policy: 'always', runMs: null }),
      remote,
      /^output "home\/ssh" is below home, which is a symbolic link to .*\/outside, outside the working directory .*: stoat saves only files inside the working directory/,
    );
    await assertRefusedBeforeUpload(executeStep(step(workspace, ['home/ssh']), context, 'always'), remote, /is below home, which is a symbolic link/);
  });

  test('a link deeper on the way, reached through a link that stays inside, is found too', async () => {
    const { workspace, remote, context } = await setUp('chained-link');
    const outside = join(root, 'chained-link', 'outside');
    await writeFiles(outside, { 'secret/key': 'k' });
    await writeFiles(workspace, { 'build/readme.txt': 'r' });
    await symlink('build', join(workspace, 'current'));
    await symlink(outside, join(workspace, 'build', 'cache'));
    await assertRefusedBeforeUpload(saveOnly(step(workspace, ['current/cache/secret']), context, { policy: 'always', runMs: null }), remote, /is below current\/cache, which is a symbolic link to .*\/outside/);
  });

  test('an output that is itself a link out of the working directory is refused, naming it', async () => {
    const { workspace, remote, context } = await setUp('output-link');
    const outside = join(root, 'output-link', 'outside');
    await writeFiles(outside, { 'a.txt': 'a' });
    await symlink(outside, join(workspace, 'model'));
    await assertRefusedBeforeUpload(saveOnly(step(workspace, ['model']), context, { policy: 'always', runMs: null }), remote, /^output "model" is a symbolic link to .*\/outside, outside the working directory/);
  });

  test('a link that stays inside the working directory is saved, and restores', async () => {
    const { workspace, context } = await setUp('inside-link');
    await writeFiles(workspace, { 'releases/v1/model/weights.bin': 'w' });
    await symlink('releases/v1', join(workspace, 'current'));
    const saved = await saveOnly(step(workspace, ['current/model']), context, { policy: 'always', runMs: null });
    assert.deepEqual(saved.outputs.map((output) => [output.path, output.status]), [['current/model', 'saved']]);
    await rm(join(workspace, 'releases/v1/model'), { recursive: true });
    const restored = await restoreOnly(step(workspace, ['current/model']), context);
    assert.equal(restored.status, 'hit', restored.reason);
  });
});

describe('save refuses names that every restore refuses', () => {
  const cases: { label: string; files: () => Record<string, string> | ((output: string) => void); message: RegExp }[] = [
    { label: 'a tab in a name', files: () => ({ 'tab\tname.txt': 'a' }), message: /^output "out" cannot be saved: file path "tab\\u0009name\.txt" contains a NUL or control character/ },
    { label: 'names that differ only in case', files: () => ({ README: 'upper', readme: 'lower' }), message: /^output "out" cannot be saved: it holds both "README" and "readme"/ },
    { label: 'one name in two Unicode normalizations', files: () => ({ 'caf\u00e9': 'composed', 'cafe\u0301': 'decomposed' }), message: /holds both "cafe\u0301" \(U\+0065 U\+0301\) and "caf\u00e9" \(U\+00E9\)/ },
    {
      label: 'a name that is not valid UTF-8',
      files: () => (output: string) => writeFileSync(Buffer.concat([Buffer.from(join(output, 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x'),
      message: /^output "out" contains caf\\xe9\.txt, a file name that is not valid UTF-8/,
    },
  ];
  for (const { label, files, message } of cases) {
    test(`${label}: refused with a message naming the files, nothing uploaded`, async () => {
      const { workspace, remote, context } = await setUp(`names-${label.replace(/\W+/g, '-')}`);
      const output = join(workspace, 'out');
      await writeFiles(output, { 'fine.txt': 'fine' });
      const made = files();
      if (typeof made === 'function') made(output);
      else await writeFiles(output, made);
      await assertRefusedBeforeUpload(executeStep(step(workspace, ['out']), context, 'always'), remote, message);
    });
  }
});

describe('declarations that cannot work are said so', () => {
  test('an output given as a glob is explained, and the folder suggested', async () => {
    const { workspace, remote, context } = await setUp('glob-output');
    await assertRefusedBeforeUpload(
      executeStep(step(workspace, ['out/*.txt'], [], ['mkdir -p out && echo a > out/a.txt']), context, 'always'),
      remote,
      /^output "out\/\*\.txt" does not exist, and outputs are paths of files or folders, not globs: declare the folder "out" instead$/,
    );
  });

  test('an output that is also a dep is warned about in the report, however the two overlap', async () => {
    const { workspace, context } = await setUp('output-is-dep');
    await writeFiles(workspace, { 'data/raw.txt': 'raw', 'model/old.bin': 'old', 'notes.txt': 'n' });
    const overlaps: [string[], string[], RegExp][] = [
      [['notes.txt'], ['notes.txt'], /^output "notes\.txt" is also a dep: the command changes it, so the key changes with every run and the step never hits/],
      [['model/old.bin'], ['model'], /^output "model" holds dep "model\/old\.bin"/],
      [['data'], ['data/summary.txt'], /^output "data\/summary\.txt" is inside dep "data"/],
      [['**/*.bin'], ['model'], /^output "model" holds dep "model\/old\.bin"/],
    ];
    for (const [deps, outputs, warning] of overlaps) {
      const report = await executeStep(step(workspace, outputs, deps, ['echo s > data/summary.txt; echo n > notes.txt; mkdir -p model']), context, 'never');
      assert.equal(report.warnings.length, 1, JSON.stringify(report.warnings));
      assert.match(report.warnings[0]!, warning);
    }
    const separate = await executeStep(step(workspace, ['model'], ['data/raw.txt']), context, 'never');
    assert.deepEqual(separate.warnings, []);
  });
});
