import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expandDependencies } from '../../src/workspace/dependencies.js';
import { planExplicitScope } from '../../src/core/scope.js';
import { stagingName } from '../../src/core/stagingName.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

const mebibyte = 1024 * 1024;
let root: string;
let remoteRoot: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('stale-staging');
  remoteRoot = join(root, 'remote');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function definition(workingDirectory: string): StepDefinition {
  return { workingDirectory, command: ['make build/model'], deps: [], outputs: ['build/model'], env: [], keyExtra: '' };
}

async function context() {
  return { remote: await openRemote(remoteRoot, root), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
}

/** The pid of a process that has exited: what a staging folder of a killed restore carries. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

/** A restore in a child process of its own, killed with SIGKILL once its staging folder holds bytes. */
async function killRestoreMidway(workspace: string): Promise<void> {
  const script = `
    import { restoreOnly } from ${JSON.stringify(fileURLToPath(new URL('../../src/engine/restoreOnly.js', import.meta.url)))};
    import { openRemote } from ${JSON.stringify(fileURLToPath(new URL('../../src/remote/openRemote.js', import.meta.url)))};
    import { planExplicitScope } from ${JSON.stringify(fileURLToPath(new URL('../../src/core/scope.js', import.meta.url)))};
    const definition = ${JSON.stringify(definition(workspace))};
    await restoreOnly(definition, { remote: await openRemote(${JSON.stringify(remoteRoot)}, '/'), scope: planExplicitScope('local', 'tests'), concurrency: 1, failOnCacheError: false, environment: process.env });
  `.replace(/\.ts"/g, '.js"');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const build = join(workspace, 'build');
  for (let attempt = 0; attempt < 600; attempt++) {
    const staging = (await readdir(build).catch(() => [] as string[])).filter((name) => name.startsWith('.stoat-staging-'));
    const filled = staging.length > 0 && (await readdir(join(build, staging[0]!), { recursive: true }).catch(() => [])).length > 0;
    if (filled) break;
    await delay(20);
  }
  child.kill('SIGKILL');
  await exited;
}

test('a restore killed with SIGKILL leaves a staging folder that the next restore removes; live and foreign ones stay', async () => {
  const source = join(root, 'source');
  const files: Record<string, Uint8Array> = {};
  for (let index = 0; index < 4; index++) files[`build/model/part-${index}.bin`] = randomBytes(70 * mebibyte);
  await writeFiles(source, files);
  assert.equal((await saveOnly(definition(source), await context(), { policy: 'auto', runMs: null })).outputs[0]!.status, 'saved');

  const workspace = join(root, 'workspace');
  await mkdir(join(workspace, 'build'), { recursive: true });
  await killRestoreMidway(workspace);
  const left = (await readdir(join(workspace, 'build'))).filter((name) => name.startsWith('.stoat-staging-'));
  assert.equal(left.length, 1, `the killed restore left its staging folder: ${left.join(', ')}`);
  assert.ok((await readdir(join(workspace, 'build', left[0]!), { recursive: true })).length > 0, 'with part of the output in it');
  // Until it is removed, no dep covers it: a folder or a glob over its parent is as if it were not there.
  await writeFiles(workspace, { 'build/notes.txt': 'a file of the workspace' });
  for (const dep of ['build', 'build/**', 'build/*/*']) {
    const expanded = await expandDependencies(workspace, [dep]).catch(() => []);
    assert.deepEqual(expanded.map((file) => file.path).filter((path) => path.includes('.stoat-staging-')), [], `dep ${dep}`);
  }
  assert.deepEqual((await expandDependencies(workspace, ['build'])).map((file) => file.path), ['build/notes.txt']);

  // A staging folder of a restore still running (this process), and one of another output, are not stale.
  const live = stagingName('build/model', hostname(), process.pid, 'live');
  const foreign = stagingName('build/other', hostname(), deadPid(), 'other');
  await mkdir(join(workspace, 'build', live));
  await mkdir(join(workspace, 'build', foreign));

  const restored = await restoreOnly(definition(workspace), await context());
  assert.equal(restored.status, 'hit', restored.reason);
  assert.deepEqual(Object.keys(await describeTree(join(workspace, 'build', 'model'))).sort(), Object.keys(files).map((path) => path.slice('build/model/'.length)).sort());
  assert.deepEqual([...(await readdir(join(workspace, 'build')))].sort(), [foreign, live, 'model', 'notes.txt'].sort(), 'the stale folder is gone, the live and foreign ones stay');
});

test('a save removes the stale staging folders of its outputs too', async () => {
  const workspace = join(root, 'save-workspace');
  await writeFiles(workspace, { 'build/model/weights.bin': randomBytes(1000) });
  const stale = stagingName('build/model', hostname(), deadPid(), 'stale');
  await writeFiles(join(workspace, 'build', stale), { 'half.bin': randomBytes(5000) });
  await writeFile(join(workspace, 'build', `${stale}-previous`), 'the aside copy of a swap that was cut short');
  const saved = await saveOnly({ ...definition(workspace), keyExtra: 'save case' }, await context(), { policy: 'auto', runMs: null });
  assert.equal(saved.outputs[0]!.status, 'saved');
  assert.deepEqual([...(await readdir(join(workspace, 'build')))], ['model']);
});
