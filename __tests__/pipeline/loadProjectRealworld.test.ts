import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from '@jest/globals';
import { pipelineGraph, wavesOf } from '../../src/core/pipelineGraph.js';
import type { PipelineProject } from '../../src/core/pipelineProject.js';
import { loadProject } from '../../src/pipeline/loadProject.js';

// Public Weasel files from explosion/projects (SOURCES.md beside them). The expected edges and waves
// below were worked out by reading each file's deps and outputs, not by running the code under test.
const folder = fileURLToPath(new URL('../fixtures/realworld/', import.meta.url));

function load(name: string, vars: ReadonlyMap<string, string> = new Map()): Promise<PipelineProject> {
  return loadProject({ project: `weasel--explosion-projects--${name}--project.yml`, workingDirectory: folder, vars, environment: {} });
}

function names(project: PipelineProject): string[] {
  return project.commands.map((command) => command.name);
}

describe('tagger_parser_ud', () => {
  test('loads with its variables in paths and folded script lines', async () => {
    const project = await load('tagger_parser_ud');
    assert.deepEqual(names(project), ['preprocess', 'train', 'evaluate', 'package', 'clean']);
    assert.deepEqual(project.directories, ['assets', 'corpus', 'training', 'metrics', 'configs', 'packages']);
    assert.deepEqual(project.assets, ['assets/UD_English-EWT']);
    const [preprocess, , , packaging] = project.commands;
    assert.deepEqual(preprocess!.deps, ['assets/UD_English-EWT/en_ewt-ud-train.conllu', 'assets/UD_English-EWT/en_ewt-ud-dev.conllu', 'assets/UD_English-EWT/en_ewt-ud-test.conllu']);
    assert.equal(preprocess!.script[0], 'mkdir -p corpus/UD_English-EWT');
    // A folded block: lines joined by one space, the spaces at their ends kept.
    assert.equal(preprocess!.script[1], 'python -m spacy convert assets/UD_English-EWT/en_ewt-ud-train.conllu  corpus/UD_English-EWT/  --converter conllu  --n-sents 10  --merge-subtokens');
    assert.deepEqual(packaging!.outputsNoCache, ['packages/en_ud_en_ewt-0.0.0/dist/en_ud_en_ewt-0.0.0.tar.gz']);
  });

  test('the all workflow: a line with a fork at the end', async () => {
    const graph = pipelineGraph(await load('tagger_parser_ud'), ['all']);
    assert.deepEqual(Object.fromEntries(graph.needs), { preprocess: [], train: ['preprocess'], evaluate: ['preprocess', 'train'], package: ['train'] });
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [['preprocess'], ['train'], ['evaluate', 'package']]);
    assert.deepEqual(graph.warnings, []);
  });

  test('--vars changes the paths, and so the graph still holds', async () => {
    const project = await load('tagger_parser_ud', new Map([['treebank', 'UD_Dutch-Alpino']]));
    assert.deepEqual(project.commands[1]!.outputs, ['training/UD_Dutch-Alpino/model-best']);
    assert.deepEqual(pipelineGraph(project, ['evaluate']).needs.get('evaluate'), ['preprocess', 'train']);
  });

  test('the copy from before Weasel, with spacy_version, gives the same project', async () => {
    const [current, legacy] = await Promise.all([load('tagger_parser_ud'), load('tagger_parser_ud--pre-weasel-spacy_version')]);
    const withoutPlace = (project: PipelineProject): unknown => ({ ...project, file: '', commands: project.commands.map((command) => ({ ...command, line: 0 })) });
    assert.deepEqual(withoutPlace(legacy), withoutPlace(current));
  });
});

describe('ner_wikiner', () => {
  test('loads with its default remote; all is a line', async () => {
    const project = await load('ner_wikiner');
    assert.deepEqual([...project.remotes], [['default', 'gs://galaxy-state/spacy-v3-benchmarks']]);
    assert.deepEqual(names(project), ['corpus', 'train', 'evaluate', 'clean']);
    assert.equal(project.commands[1]!.script[0], 'python -m spacy train configs/default.cfg -o training/ --gpu-id -1 --paths.train corpus/train.spacy --paths.dev corpus/dev.spacy');
    const graph = pipelineGraph(project, ['all']);
    assert.deepEqual(Object.fromEntries(graph.needs), { corpus: [], train: ['corpus'], evaluate: ['corpus', 'train'] });
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [['corpus'], ['train'], ['evaluate']]);
  });
});

describe('span-labeling-datasets: the messy cases run, with warnings', () => {
  test('21 commands, 6 workflows; seven commands have neither deps nor outputs', async () => {
    const project = await load('span-labeling-datasets');
    assert.equal(project.commands.length, 21);
    assert.deepEqual([...project.workflows.keys()], ['wnut17', 'conll', 'archaeo', 'anem', 'restaurant', 'all']);
    const bare = project.commands.filter((command) => command.deps.length === 0 && command.outputs.length === 0).map((command) => command.name);
    assert.deepEqual(bare, ['inspect-wnut17', 'inspect-conll', 'inspect-archaeo', 'clean-archaeo', 'inspect-anem', 'inspect-restaurant', 'generate-unseen']);
  });

  test('conll: a command rewriting its deps in place, after the one that made them', async () => {
    const graph = pipelineGraph(await load('span-labeling-datasets'), ['conll']);
    assert.deepEqual(Object.fromEntries(graph.needs), {
      'unpack-conll': [],
      'preprocess-conll': ['unpack-conll'],
      // es-conll files come from unpack-conll only; nl-conll files from both, and preprocess-conll is the later.
      'convert-conll-spans': ['unpack-conll', 'preprocess-conll'],
      'convert-conll-ents': ['unpack-conll', 'preprocess-conll'],
      'inspect-conll': [],
    });
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [['unpack-conll', 'inspect-conll'], ['preprocess-conll'], ['convert-conll-spans', 'convert-conll-ents']]);
    assert.deepEqual(graph.warnings, [
      'preprocess-conll rewrites its deps in place (assets/nl-conll-train.iob, assets/nl-conll-dev.iob, assets/nl-conll-test.iob are also its outputs): it does not wait on itself',
      'assets/nl-conll-train.iob, assets/nl-conll-dev.iob, assets/nl-conll-test.iob, deps of convert-conll-spans, are each made by 2 commands (unpack-conll and preprocess-conll): convert-conll-spans waits for preprocess-conll, the last one before it in the file',
      'assets/nl-conll-train.iob, assets/nl-conll-dev.iob, assets/nl-conll-test.iob, deps of convert-conll-ents, are each made by 2 commands (unpack-conll and preprocess-conll): convert-conll-ents waits for preprocess-conll, the last one before it in the file',
    ]);
  });

  test('all: the left-out preprocess-conll is pulled in, and said to be', async () => {
    const graph = pipelineGraph(await load('span-labeling-datasets'), ['all']);
    assert.ok(graph.steps.includes('preprocess-conll'));
    assert.ok(!graph.targets.includes('preprocess-conll'));
    assert.equal(graph.steps.length, 15);
    assert.ok(graph.warnings.includes('workflow all leaves out preprocess-conll, which makes deps of its steps convert-conll-spans, convert-conll-ents: preprocess-conll runs as upstream when its outputs are not current'));
    assert.deepEqual(wavesOf(graph, new Set(graph.steps)), [
      ['preprocess-wnut17', 'unpack-conll', 'convert-archaeo-spans', 'convert-archaeo-ents', 'convert-anem-spans', 'convert-anem-ents', 'preprocess-restaurant', 'inspect-restaurant'],
      ['convert-wnut17-ents', 'convert-wnut17-spans', 'preprocess-conll', 'convert-restaurant-ents', 'convert-restaurant-spans'],
      ['convert-conll-spans', 'convert-conll-ents'],
    ]);
  });

  test('restaurant: preprocess feeds both converters; the inspector stands alone', async () => {
    const graph = pipelineGraph(await load('span-labeling-datasets'), ['restaurant']);
    assert.deepEqual(Object.fromEntries(graph.needs), { 'preprocess-restaurant': [], 'convert-restaurant-ents': ['preprocess-restaurant'], 'convert-restaurant-spans': ['preprocess-restaurant'], 'inspect-restaurant': [] });
    assert.deepEqual(graph.warnings, []);
  });
});
