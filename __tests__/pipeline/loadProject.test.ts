import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { loadProject } from '../../src/pipeline/loadProject.js';
import { withTemporaryDirectory, writeFiles } from '../core/temporaryDirectory.js';
import { loadText, loadWritten, usageErrorMatching } from './projectFolder.js';

const minimal = 'commands:\n  - name: hello\n    script:\n      - "echo hello"\n';


describe('loadProject: finding the file', () => {
  test('a folder gives its project.yml, before a stoat.yml beside it', async () => {
    const project = await loadWritten({ 'project.yml': minimal, 'stoat.yml': 'title: other\n' });
    assert.match(project.file, /\/project\.yml$/);
    assert.equal(project.directory, project.file.replace(/\/project\.yml$/, ''));
    assert.deepEqual(
      project.commands.map((command) => command.name),
      ['hello'],
    );
  });

  test('a folder with only stoat.yml gives that', async () => {
    const project = await loadWritten({ 'stoat.yml': minimal }, { project: '.' });
    assert.match(project.file, /\/stoat\.yml$/);
  });

  test('a file given directly, by any name, relative to the working directory', async () => {
    const project = await loadWritten({ 'pipelines/train.yml': minimal }, { project: 'pipelines/train.yml' });
    assert.match(project.file, /\/pipelines\/train\.yml$/);
    assert.match(project.directory, /\/pipelines$/);
  });

  test('a folder without a project file, and a path that does not exist, are errors saying what to do', async () => {
    await withTemporaryDirectory(async (root) => {
      await writeFiles(root, { 'README.md': 'not a project' });
      const request = { workingDirectory: root, vars: new Map<string, string>(), environment: {} };
      await assert.rejects(loadProject({ ...request, project: undefined }), usageErrorMatching(/^the working directory \/\S+ holds no project\.yml or stoat\.yml: run stoat in the project's folder, or give --project FILE_OR_FOLDER$/));
      await assert.rejects(loadProject({ ...request, project: 'elsewhere' }), usageErrorMatching(new RegExp(`^the project ${join(root, 'elsewhere')} does not exist: give --project the project\\.yml, or the folder that holds it$`)));
      await assert.rejects(loadProject({ ...request, project: 'README.md/project.yml' }), usageErrorMatching(/does not exist/));
    });
  });
});

describe('loadProject: the file as Weasel reads it', () => {
  test('every field of a command and of the file', async () => {
    const project = await loadText(`title: "Tiny"
description: A pipeline
directories: ["corpus", "training"]
remotes:
  default: s3://bucket/pipelines
assets:
  - dest: assets/data.csv
    url: https://example.com/data.csv
spacy_version: ">=3"
commands:
  - name: prepare
    help: "Make the corpus"
    script:
      - "node scripts/prepare.mjs"
    deps: ["assets/data.csv", "./scripts/prepare.mjs"]
    outputs: ["corpus/"]
    outputs_no_cache: ["logs/prepare.txt"]
  - name: check
    no_skip: true
workflows:
  all:
    - prepare
    - check
`);
    assert.equal(project.title, 'Tiny');
    assert.equal(project.description, 'A pipeline');
    assert.deepEqual(project.directories, ['corpus', 'training']);
    assert.deepEqual([...project.remotes], [['default', 's3://bucket/pipelines']]);
    assert.deepEqual(project.assets, ['assets/data.csv']);
    assert.deepEqual([...project.workflows], [['all', ['prepare', 'check']]]);
    assert.deepEqual(project.commands, [
      { name: 'prepare', help: 'Make the corpus', script: ['node scripts/prepare.mjs'], deps: ['assets/data.csv', 'scripts/prepare.mjs'], outputs: ['corpus'], outputsNoCache: ['logs/prepare.txt'], noSkip: false, env: [], keyExtra: '', line: 11 },
      { name: 'check', help: '', script: [], deps: [], outputs: [], outputsNoCache: [], noSkip: true, env: [], keyExtra: '', line: 18 },
    ]);
    assert.equal(project.remote, undefined);
    assert.equal(project.concurrency, undefined);
  });

  test('empty values are empty, as in Python: deps:, help:, workflows:', async () => {
    const project = await loadText('commands:\n  - name: a\n    help:\n    deps:\n    script:\nworkflows:\n');
    assert.deepEqual(project.commands[0]!.deps, []);
    assert.equal(project.commands[0]!.help, '');
    assert.equal(project.workflows.size, 0);
  });

  test('a YAML syntax error names the line and column', async () => {
    await assert.rejects(loadText('title: a: b\n'), usageErrorMatching(/^project\.yml:1:8: the YAML does not parse: Nested mappings are not allowed in compact mappings; fix the file there$/));
    await assert.rejects(loadText('commands:\n\t- name: a\n'), usageErrorMatching(/^project\.yml:2:1: the YAML does not parse: Tabs are not allowed as indentation; fix the file there$/));
    await assert.rejects(loadText('commands:\n  - name: a\n    script: ["echo\n'), usageErrorMatching(/^project\.yml:4:1: the YAML does not parse: Missing closing "quote; fix the file there$/));
    await assert.rejects(loadText('commands:\n  - name: a\n    name: b\n'), usageErrorMatching(/^project\.yml:3:5: the YAML does not parse: Map keys must be unique/));
  });

  test('an empty file, or one that is no mapping, is an error', async () => {
    await assert.rejects(loadText(''), usageErrorMatching(/^project\.yml: the project file is empty: declare its commands under commands:$/));
    await assert.rejects(loadText('- name: a\n'), usageErrorMatching(/^project\.yml:1: the project file must be a mapping \(name: value lines\), not a list$/));
  });

  test('anchors and aliases are followed', async () => {
    const project = await loadText('x-deps: &deps ["a.txt", "b.txt"]\ncommands:\n  - name: one\n    deps: *deps\n');
    assert.deepEqual(project.commands[0]!.deps, ['a.txt', 'b.txt']);
  });

  test('merge keys bring the keys of a mapping in, the keys written beside them winning', async () => {
    const project = await loadText('x-base: &base\n  help: shared\n  deps: ["a.txt"]\ncommands:\n  - <<: *base\n    name: one\n    deps: ["b.txt"]\n');
    assert.deepEqual([project.commands[0]!.help, project.commands[0]!.deps], ['shared', ['b.txt']]);
  });
});
