import assert from 'node:assert/strict';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { pipelineGraph } from '../../src/core/pipelineGraph.js';
import { type PipelineCommand, type PipelineProject } from '../../src/core/pipelineProject.js';
import { loadProject } from '../../src/pipeline/loadProject.js';
import { stateFile } from '../../src/pipeline/skipState.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { countingRemote, removeAll, run, statuses } from './pipelineFixture.js';

// Public Weasel files from explosion/projects (fixtures/realworld/SOURCES.md). Their scripts need
// spaCy, so each command's script is swapped for a stand-in that writes its declared outputs from
// its deps; the deps, outputs and workflows are the file's own. The expected verdicts were worked
// out by reading each file.
const fixtures = fileURLToPath(new URL('../fixtures/realworld/', import.meta.url));
let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('pipeline-realworld');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One line per output: its deps (those that are files) and the command's name, written to a part file and moved into place. */
function standIn(command: PipelineCommand): string[] {
  const outputs = [...command.outputs, ...command.outputsNoCache];
  if (outputs.length === 0) return [`echo ${command.name}`];
  const deps = command.deps.map((dep) => `"${dep}"`).join(' ');
  return outputs.map((output) => `sh -c 'mkdir -p "$(dirname "${output}")"; { for dep in ${deps}; do cat "$dep" 2>/dev/null; done; echo ${command.name}; } > "${output}.part"; mv "${output}.part" "${output}"'`);
}

/** The file copied into a project folder, loaded, its scripts swapped, and the deps no other command makes written as assets. */
async function realProject(name: string): Promise<PipelineProject> {
  const directory = join(root, name);
  await cp(join(fixtures, `weasel--explosion-projects--${name}--project.yml`), join(directory, 'project.yml'));
  const loaded = await loadProject({ project: undefined, workingDirectory: directory, vars: new Map(), environment: {} });
  const commands = loaded.commands.map((command) => ({ ...command, script: standIn(command) }));
  const madeByAnother = (command: PipelineCommand, dep: string): boolean => commands.some((other) => other !== command && [...other.outputs, ...other.outputsNoCache].includes(dep));
  const assets = commands.flatMap((command) => command.deps.filter((dep) => !madeByAnother(command, dep)));
  await writeFiles(directory, Object.fromEntries(assets.map((asset) => [asset, `${asset}\n`])));
  return { ...loaded, commands };
}

function everyStep(project: PipelineProject, targets: string[], status: string): Record<string, string> {
  return Object.fromEntries(pipelineGraph(project, targets).steps.map((name) => [name, status]));
}

describe('real Weasel project files run', () => {
  test('tagger_parser_ud: all runs, then all is skipped; on a clean checkout what package needs is restored, and package (outputs_no_cache only) runs', async () => {
    const project = await realProject('tagger_parser_ud');
    const { remote } = await countingRemote(join(root, 'tagger-remote'));
    assert.deepEqual(statuses((await run(project, ['all'], remote)).outcomes), everyStep(project, ['all'], 'ran'));
    assert.deepEqual(statuses((await run(project, ['all'], remote)).outcomes), everyStep(project, ['all'], 'skipped'));
    await removeAll(...['corpus', 'training', 'metrics', 'packages'].map((folder) => join(project.directory, folder)), stateFile(project.directory));
    const clean = await run(project, ['all'], remote);
    assert.deepEqual(statuses(clean.outcomes), { preprocess: 'restored', train: 'restored', evaluate: 'restored', package: 'ran' });
  });

  test('span-labeling-datasets: deps rewritten in place, a path made by two commands, a workflow that leaves out a producer', async () => {
    const project = await realProject('span-labeling-datasets');
    const { remote } = await countingRemote(join(root, 'span-remote'));
    const graph = pipelineGraph(project, ['all']);
    assert.ok(graph.steps.includes('preprocess-conll'), 'the producer the workflow leaves out runs as upstream');
    const first = await run(project, ['all'], remote);
    assert.deepEqual(statuses(first.outcomes), everyStep(project, ['all'], 'ran'));
    const second = await run(project, ['all'], remote);
    assert.deepEqual(statuses(second.outcomes), {
      ...everyStep(project, ['all'], 'skipped'),
      // preprocess-conll rewrote what unpack-conll made, so unpack-conll's outputs are no longer the
      // ones it made: a target of the workflow, it is restored. preprocess-conll is no target and no
      // step that runs reads its outputs, so under --pull needed its saved result is not downloaded.
      'unpack-conll': 'restored',
      'preprocess-conll': 'skipped',
      // It declares no outputs: nothing says it is done, so it always runs, as under Weasel.
      'inspect-restaurant': 'ran',
    });
    assert.match(second.outcomes.find((outcome) => outcome.name === 'preprocess-conll')!.reason, /not restored/);
    assert.match(graph.warnings.join('\n'), /workflow all leaves out preprocess-conll/);
    // Nothing changed since: now every step with outputs is skipped.
    const third = await run(project, ['all'], remote);
    assert.deepEqual(statuses(third.outcomes), { ...everyStep(project, ['all'], 'skipped'), 'inspect-restaurant': 'ran' });
  });
});
