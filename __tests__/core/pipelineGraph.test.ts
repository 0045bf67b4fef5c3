import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { pipelineGraph, wavesOf } from '../../src/core/pipelineGraph.js';
import type { PipelineCommand, PipelineProject } from '../../src/core/pipelineProject.js';

type CommandSketch = Pick<PipelineCommand, 'name'> & Partial<PipelineCommand>;

function projectOf(commands: readonly CommandSketch[], workflows: Record<string, string[]> = {}): PipelineProject {
  return {
    file: '/srv/project/project.yml',
    directory: '/srv/project',
    title: '',
    description: '',
    commands: commands.map((command, index) => ({ help: '', script: [], deps: [], outputs: [], outputsNoCache: [], noSkip: false, env: [], keyExtra: '', line: index + 1, ...command })),
    workflows: new Map(Object.entries(workflows)),
    remotes: new Map(),
    directories: [],
    remote: undefined,
    concurrency: undefined,
  };
}

function needsOf(project: PipelineProject, targets: string[]): Record<string, string[]> {
  return Object.fromEntries(pipelineGraph(project, targets).needs);
}

// prepare → {words, lengths} → train → evaluate (which also reads the prepared data).
const diamond = projectOf(
  [
    { name: 'prepare', outputs: ['data/raw.txt'] },
    { name: 'words', deps: ['data/raw.txt'], outputs: ['features/words.json'] },
    { name: 'lengths', deps: ['./data/raw.txt'], outputs: ['features/lengths.json'] },
    { name: 'train', deps: ['features/'], outputs: ['model'] },
    { name: 'evaluate', deps: ['model/weights.bin', 'data/raw.txt'], outputsNoCache: ['metrics.json'] },
    { name: 'lint' },
  ],
  { all: ['prepare', 'words', 'lengths', 'train', 'evaluate'], features: ['words', 'lengths'] },
);

describe('pipelineGraph', () => {
  test('a workflow gives its commands, their edges in file order, and no warnings', () => {
    const graph = pipelineGraph(diamond, ['all']);
    assert.deepEqual(graph.steps, ['prepare', 'words', 'lengths', 'train', 'evaluate']);
    assert.deepEqual(graph.targets, graph.steps);
    assert.deepEqual(Object.fromEntries(graph.needs), {
      prepare: [],
      words: ['prepare'],
      lengths: ['prepare'],
      // features/ is a folder holding both outputs; model/weights.bin is inside model.
      train: ['words', 'lengths'],
      evaluate: ['prepare', 'train'],
    });
    assert.deepEqual(graph.warnings, []);
  });

  test('a command pulls in its upstream, transitively, without a warning', () => {
    const graph = pipelineGraph(diamond, ['train']);
    assert.deepEqual(graph.steps, ['prepare', 'words', 'lengths', 'train']);
    assert.deepEqual(graph.targets, ['train']);
    assert.deepEqual(graph.warnings, []);
  });

  test('targets mix commands and workflows; a command without deps stands alone', () => {
    const graph = pipelineGraph(diamond, ['lint', 'features', 'lint']);
    assert.deepEqual(graph.steps, ['prepare', 'words', 'lengths', 'lint']);
    assert.deepEqual(graph.targets, ['words', 'lengths', 'lint']);
  });

  test('a workflow that leaves out a producer still gets it, and says so', () => {
    const graph = pipelineGraph(diamond, ['features']);
    assert.deepEqual(graph.steps, ['prepare', 'words', 'lengths']);
    assert.deepEqual(graph.warnings, ['workflow features leaves out prepare, which makes deps of its steps words, lengths: prepare runs as upstream when its outputs are not current']);
    assert.deepEqual(pipelineGraph(diamond, ['features', 'prepare']).warnings, [], 'named beside the workflow, it is asked for');
  });

  test('an unknown name is a usage error naming it and listing the commands and workflows', () => {
    assert.throws(
      () => pipelineGraph(diamond, ['all', 'trian']),
      (error: Error) =>
        error instanceof UsageError &&
        error.message === '"trian" is neither a command nor a workflow of /srv/project/project.yml: name one of its commands prepare, words, lengths, train, evaluate, lint; workflows all, features',
    );
  });

  test('no targets give an empty graph', () => {
    assert.deepEqual(pipelineGraph(diamond, []), { steps: [], targets: [], needs: new Map(), warnings: [] });
  });

  test('a command that rewrites its deps in place does not wait on itself, and is named', () => {
    const project = projectOf([
      { name: 'unpack', outputs: ['assets/train.iob'] },
      { name: 'clean', deps: ['assets/train.iob'], outputs: ['assets/train.iob'] },
    ]);
    const graph = pipelineGraph(project, ['clean']);
    assert.deepEqual(Object.fromEntries(graph.needs), { unpack: [], clean: ['unpack'] });
    assert.deepEqual(graph.warnings, ['clean rewrites its deps in place (assets/train.iob is also its outputs): it does not wait on itself']);
  });

  test('a path made by two commands: the last one before the consumer in the file wins', () => {
    const project = projectOf([
      { name: 'unpack', outputs: ['assets/train.iob', 'assets/dev.iob'] },
      { name: 'clean', deps: ['assets/train.iob'], outputs: ['assets/train.iob'] },
      { name: 'convert', deps: ['assets/train.iob', 'assets/dev.iob'], outputs: ['corpus/train.spacy'] },
      { name: 'late', outputs: ['assets/dev.iob'] },
    ]);
    const graph = pipelineGraph(project, ['convert']);
    // dev.iob is made by unpack (before) and late (after): unpack wins; train.iob by unpack and clean: clean.
    assert.deepEqual(needsOf(project, ['convert']), { unpack: [], clean: ['unpack'], convert: ['unpack', 'clean'] });
    assert.deepEqual(graph.warnings, [
      'clean rewrites its deps in place (assets/train.iob is also its outputs): it does not wait on itself',
      'assets/train.iob, a dep of convert, is made by 2 commands (unpack and clean): convert waits for clean, the last one before it in the file',
      'assets/dev.iob, a dep of convert, is made by 2 commands (unpack and late): convert waits for unpack, the last one before it in the file',
    ]);
  });

  test('a path made only by later commands: the first of them wins', () => {
    const project = projectOf([
      { name: 'use', deps: ['out.txt'] },
      { name: 'first', outputs: ['out.txt'] },
      { name: 'second', outputs: ['out.txt'] },
    ]);
    const graph = pipelineGraph(project, ['use']);
    assert.deepEqual(graph.steps, ['use', 'first']);
    assert.deepEqual(graph.needs.get('use'), ['first']);
    assert.match(graph.warnings[0], /made by 2 commands \(first and second\): use waits for first, the first one after it in the file/);
  });

  test('two files of one folder dep, made by different commands, are both needed without a warning', () => {
    const project = projectOf([
      { name: 'a', outputs: ['corpus/a.spacy'] },
      { name: 'b', outputs: ['corpus/b.spacy'] },
      { name: 'train', deps: ['corpus'] },
    ]);
    const graph = pipelineGraph(project, ['train']);
    assert.deepEqual(graph.needs.get('train'), ['a', 'b']);
    assert.deepEqual(graph.warnings, []);
  });

  test('paths compare after normalising: ./x, x/, a/../x and a prefix that is no parent', () => {
    const project = projectOf([
      { name: 'make', outputs: ['./out/'] },
      { name: 'near', outputs: ['output'] },
      { name: 'use', deps: ['tmp/../out/file.txt', 'outputs.txt'] },
    ]);
    assert.deepEqual(pipelineGraph(project, ['use']).needs.get('use'), ['make']);
  });

  test('a cycle is a usage error naming every command in it', () => {
    const project = projectOf([
      { name: 'solo' },
      { name: 'a', deps: ['c.txt'], outputs: ['a.txt'] },
      { name: 'b', deps: ['a.txt'], outputs: ['b.txt'] },
      { name: 'c', deps: ['b.txt'], outputs: ['c.txt'] },
    ]);
    assert.throws(() => pipelineGraph(project, ['b', 'solo']), (error: Error) => error instanceof UsageError && error.message.startsWith('the commands a, b, c depend on each other in a cycle'));
    assert.doesNotThrow(() => pipelineGraph(project, ['solo']));
  });
});

describe('wavesOf', () => {
  const graph = pipelineGraph(diamond, ['all']);

  test('all steps: each wave after its upstream, in file order', () => {
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [['prepare'], ['words', 'lengths'], ['train'], ['evaluate']]);
  });

  test('a subset keeps order through steps outside it, with no empty waves', () => {
    assert.deepEqual(wavesOf(graph, new Set(['evaluate', 'lengths'])), [['lengths'], ['evaluate']]);
    assert.deepEqual(wavesOf(graph, new Set(['words', 'lengths', 'evaluate'])), [['words', 'lengths'], ['evaluate']]);
    assert.deepEqual(wavesOf(graph, new Set()), []);
  });

  test('a producer later in the file than its consumer still comes first', () => {
    const project = projectOf([
      { name: 'use', deps: ['out.txt'] },
      { name: 'make', outputs: ['out.txt'] },
    ]);
    const later = pipelineGraph(project, ['use']);
    assert.deepEqual(wavesOf(later, new Set(later.steps)), [['make'], ['use']]);
  });
});
