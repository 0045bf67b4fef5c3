import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from '@jest/globals';
import { pipelineGraph, wavesOf } from '../../src/core/pipelineGraph.js';
import { shellWords } from '../../src/core/shellWords.js';
import { loadProject } from '../../src/pipeline/loadProject.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';
import { listing } from './projectFolder.js';

const example = fileURLToPath(new URL('../../examples/tiny-pipeline/', import.meta.url));
const run = promisify(execFile);

function load(folder: string) {
  return loadProject({ project: folder, workingDirectory: process.cwd(), vars: new Map(), environment: {} });
}

describe('examples/tiny-pipeline', () => {
  test('prepare → two independent features → train → evaluate, with no warnings', async () => {
    const project = await load(example);
    const graph = pipelineGraph(project, ['all']);
    assert.deepEqual(Object.fromEntries(graph.needs), {
      prepare: [],
      'features-sum': ['prepare'],
      'features-product': ['prepare'],
      train: ['prepare', 'features-sum', 'features-product'],
      evaluate: ['prepare', 'features-sum', 'features-product', 'train'],
    });
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [['prepare'], ['features-sum', 'features-product'], ['train'], ['evaluate']]);
    assert.deepEqual(graph.warnings, []);
    // Every step reads its own script, so editing one re-runs that step and those after it.
    for (const command of project.commands) assert.ok(command.deps.some((dep) => dep.startsWith('scripts/')), command.name);
  });

  test('stays a plain Weasel file: no stoat: section a Weasel user would have to learn', async () => {
    const text = await readFile(join(example, 'project.yml'), 'utf8');
    assert.doesNotMatch(text, /^stoat:/m);
  });

  test('its scripts, run as Weasel runs them, write exactly the declared outputs, the same bytes each time', async () => {
    const project = await load(example);
    const graph = pipelineGraph(project, ['all']);
    const outputsOf = async (folder: string): Promise<Map<string, string>> => {
      // The file and its scripts only: outputs of a run in the example folder itself stay behind.
      await cp(join(example, 'scripts'), join(folder, 'scripts'), { recursive: true });
      await cp(join(example, 'project.yml'), join(folder, 'project.yml'));
      const before = await listing(folder);
      for (const wave of wavesOf(graph, new Set(graph.steps))) {
        for (const name of wave) {
          // Each line split into words and run without a shell, in the project folder.
          for (const line of project.commands.find((command) => command.name === name)!.script) {
            const [program, ...args] = shellWords(line);
            await run(program!, args, { cwd: folder });
          }
        }
      }
      const written = (await listing(folder)).filter((path) => !before.includes(path));
      const contents = new Map<string, string>();
      for (const path of written) contents.set(path, await readFile(join(folder, path), 'utf8').catch(() => '(folder)'));
      return contents;
    };
    const [first, second] = await withTemporaryDirectory(async (root) => Promise.all([outputsOf(join(root, 'one')), outputsOf(join(root, 'two'))]));
    const declared = project.commands.flatMap((command) => command.outputs);
    const within = (path: string, output: string): boolean => path === output || path.startsWith(`${output}/`);
    const files = [...first.keys()].filter((path) => first.get(path) !== '(folder)');
    assert.deepEqual(files.filter((path) => !declared.some((output) => within(path, output))), [], 'nothing undeclared is written');
    assert.deepEqual(declared.filter((output) => !files.some((path) => within(path, output))), [], 'every output is written');
    assert.deepEqual(second, first);
    assert.ok(JSON.parse(first.get('metrics/metrics.json')!).accuracy > 0.9, 'the toy model learns');
  });
});
