import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { loadText, usageErrorMatching } from './projectFolder.js';


const commands = `commands:
  - name: prepare
    outputs: ["data.txt"]
  - name: train
    deps: ["data.txt"]
`;

describe('validation as Weasel does it', () => {
  test('an unknown key inside a command names the key and the command', async () => {
    await assert.rejects(
      loadText('commands:\n  - name: train\n    dep: ["data.txt"]\n'),
      usageErrorMatching(/^project\.yml:3: command "train" has an unknown key "dep": a command takes name, help, script, deps, outputs, outputs_no_cache, no_skip; stoat's own settings go under stoat: commands: train:$/),
    );
  });

  test('unknown top-level keys are ignored', async () => {
    const project = await loadText(`${commands}check_requirements: true\nmy_notes: {a: 1}\n`);
    assert.equal(project.commands.length, 2);
  });

  test('a duplicate command name names both lines', async () => {
    await assert.rejects(loadText(`${commands}  - name: prepare\n`), usageErrorMatching(/^project\.yml:6: the command name "prepare" is used twice \(lines 2 and 6\): rename one, as names must be unique$/));
  });

  test('a workflow named like a command', async () => {
    await assert.rejects(loadText(`${commands}workflows:\n  train: [prepare, train]\n`), usageErrorMatching(/^project\.yml:7: the workflow "train" has the name of a command \(line 4\): rename the workflow$/));
  });

  test('a workflow step that is no command lists the commands', async () => {
    await assert.rejects(loadText(`${commands}workflows:\n  all:\n    - prepare\n    - trian\n`), usageErrorMatching(/^project\.yml:9: the workflow "all" runs "trian", which is no command of the file: name one of prepare, train$/));
  });

  test('values of the wrong type name the field and the line', async () => {
    await assert.rejects(loadText('commands:\n  - name: a\n    script: "echo hi"\n'), usageErrorMatching(/^project\.yml:3: script of command "a" must be a list of strings, one per line \(- item\), not the string "echo hi"$/));
    await assert.rejects(loadText('commands:\n  - name: a\n    deps: [2020]\n'), usageErrorMatching(/^project\.yml:3: item 1 of deps of command "a" must be a string, not the number 2020: quote it$/));
    await assert.rejects(loadText('commands:\n  - name: a\n    no_skip: "yes"\n'), usageErrorMatching(/^project\.yml:3: no_skip of command "a" must be true or false$/));
    await assert.rejects(loadText('commands:\n  - help: no name\n'), usageErrorMatching(/^project\.yml:2: command 1 of commands has no name: add name: to it$/));
    await assert.rejects(loadText('commands:\n  name: a\n'), usageErrorMatching(/^project\.yml:2: commands must be a list of commands \(- name: …\), not a mapping$/));
    await assert.rejects(loadText('vars: [1]\ncommands: []\n'), usageErrorMatching(/^project\.yml:1: vars must be a mapping \(name: value lines\), not a list$/));
    await assert.rejects(loadText('env:\n  gpu: 1\ncommands: []\n'), usageErrorMatching(/^project\.yml:2: env\.gpu must name an environment variable \(gpu: VARIABLE_NAME\)$/));
  });

  test('a dep or output outside the project folder is refused with its line', async () => {
    await assert.rejects(loadText('commands:\n  - name: a\n    deps:\n      - ../shared/data.txt\n'), usageErrorMatching(/^project\.yml:4: command "a": dep "\.\.\/shared\/data\.txt" is outside the working directory/));
    await assert.rejects(loadText('commands:\n  - name: a\n    outputs: ["."]\n'), usageErrorMatching(/^project\.yml:3: command "a": output "\." is the working directory itself/));
  });
});

describe('the stoat: section', () => {
  test('remote, concurrency, and per command env and key-extra', async () => {
    const project = await loadText(`${commands}vars:\n  version: 2\nstoat:
  remote: ci
  concurrency: 8
  commands:
    train:
      env: [CUDA_VISIBLE_DEVICES, SEED]
      key-extra: "v\${vars.version}"
`);
    assert.equal(project.remote, 'ci');
    assert.equal(project.concurrency, 8);
    assert.deepEqual(
      project.commands.map((command) => [command.name, command.env, command.keyExtra]),
      [
        ['prepare', [], ''],
        ['train', ['CUDA_VISIBLE_DEVICES', 'SEED'], 'v2'],
      ],
    );
  });

  test('its mistakes are errors: unknown keys, unknown commands, bad names and numbers', async () => {
    await assert.rejects(loadText(`${commands}stoat:\n  remotes: x\n`), usageErrorMatching(/^project\.yml:7: the stoat: section has an unknown key "remotes": it takes remote, concurrency, commands$/));
    await assert.rejects(loadText(`${commands}stoat:\n  commands:\n    trian: {}\n`), usageErrorMatching(/^project\.yml:8: stoat\.commands names "trian", which is no command of the file: name one of prepare, train$/));
    await assert.rejects(loadText(`${commands}stoat:\n  commands:\n    train:\n      extra: x\n`), usageErrorMatching(/^project\.yml:9: stoat\.commands\.train has an unknown key "extra": it takes env, key-extra$/));
    await assert.rejects(loadText(`${commands}stoat:\n  commands:\n    train:\n      env: ["A B"]\n`), usageErrorMatching(/stoat\.commands\.train\.env holds "A B", which is no environment variable name/));
    await assert.rejects(loadText(`${commands}stoat:\n  concurrency: 0\n`), usageErrorMatching(/^project\.yml:7: stoat\.concurrency is "0": use a whole number from 1 to 256$/));
    await assert.rejects(loadText(`${commands}stoat:\n  concurrency: 2.5\n`), usageErrorMatching(/stoat\.concurrency is "2\.5"/));
  });
});
