import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { loadText, usageErrorMatching } from './projectFolder.js';

/** The first command's script lines after loading a file whose commands are `commands` (YAML), with `vars` and `env` above. */
async function scriptOf(head: string, line: string, request: Parameters<typeof loadText>[1] = {}): Promise<string> {
  const project = await loadText(`${head}\ncommands:\n  - name: x\n    script:\n      - ${JSON.stringify(line)}\n`, request);
  return project.commands[0]!.script[0]!;
}


const vars = 'vars:\n  a: 10\n  b:\n    c: foo\n    d: true\n';

describe('interpolation, as in Weasel', () => {
  test('${vars.x}, nested ${vars.b.c}, and booleans as JSON (Weasel\'s own cases)', async () => {
    assert.equal(await scriptOf(vars, 'hello ${vars.a} ${vars.b.c}'), 'hello 10 foo');
    assert.equal(await scriptOf(vars, '${vars.b.c} ${vars.b.d}'), 'foo true');
    assert.equal(await scriptOf(vars, '${vars:b:c}'), 'foo', '${a:b} is ${a.b}');
  });

  test('${env.X} reads the variable env: maps X to, as JSON when it parses; unset is ""', async () => {
    const head = 'vars:\n  a: 10\nenv:\n  foo: STOAT_TEST_FOO\n';
    assert.equal(await scriptOf(head, 'hello ${vars.a} ${env.foo}'), 'hello 10 ');
    assert.equal(await scriptOf(head, 'hello ${vars.a} ${env.foo}', { environment: { STOAT_TEST_FOO: '123' } }), 'hello 10 123');
    assert.equal(await scriptOf(head, '${env.foo}', { environment: { STOAT_TEST_FOO: '"quoted"' } }), 'quoted');
    assert.equal(await scriptOf(head, '${env.foo}', { environment: { STOAT_TEST_FOO: '[1,2.5]' } }), '[1, 2.5]');
  });

  test('every string is interpolated: paths, names, help, remotes, directories, workflows', async () => {
    const project = await loadText(`vars:
  lang: nl
  bucket: data
commands:
  - name: convert-\${vars.lang}
    help: Converts \${vars.lang}
    deps: ["assets/\${vars.lang}.iob"]
    outputs: ["corpus/\${vars.lang}/train.spacy"]
remotes:
  default: s3://\${vars.bucket}/cache
directories: ["corpus/\${vars.lang}"]
workflows:
  all: ["convert-\${vars.lang}"]
`);
    const [command] = project.commands;
    assert.deepEqual([command!.name, command!.help, command!.deps, command!.outputs], ['convert-nl', 'Converts nl', ['assets/nl.iob'], ['corpus/nl/train.spacy']]);
    assert.equal(project.remotes.get('default'), 's3://data/cache');
    assert.deepEqual(project.directories, ['corpus/nl']);
    assert.deepEqual(project.workflows.get('all'), ['convert-nl']);
  });

  test('numbers read as Python writes them: 1.0 stays 1.0, 1e-5 is 1e-05, ints stay ints', async () => {
    const head = 'vars:\n  dropout: 0.0\n  rate: 1e-5\n  big: 1.0e16\n  steps: 20000\n  hex: 0x1F\n  list: [1, 2.0, "a"]\n  none: null\n';
    assert.equal(await scriptOf(head, '${vars.dropout} ${vars.rate} ${vars.big} ${vars.steps} ${vars.hex}'), '0.0 1e-05 1e+16 20000 31');
    assert.equal(await scriptOf(head, '${vars.list} ${vars.none}'), '[1, 2.0, "a"] null');
  });

  test('a variable that refers to another is resolved in turn; a $ before anything but { stays', async () => {
    const head = 'vars:\n  name: ner\n  path: training/${vars.name}\n';
    assert.equal(await scriptOf(head, 'cp ${vars.path}/model $HOME/$${vars.name}'), 'cp training/ner/model $HOME/$ner');
  });
});

describe('overrides, as in Weasel', () => {
  const head = 'vars:\n  a: world\n  model:\n    name: small\n';

  test('--vars.a VALUE and --vars.model.name VALUE, read as JSON when they parse', async () => {
    assert.equal(await scriptOf(head, 'hello ${vars.a} ${vars.model.name}', { vars: new Map([['a', 'everyone'], ['model.name', 'large']]) }), 'hello everyone large');
    assert.equal(await scriptOf(head, 'hello ${vars.a}', { vars: new Map([['a', '342']]) }), 'hello 342');
    assert.equal(await scriptOf(head, 'hello ${vars.a}', { vars: new Map([['a', '"tout le monde"']]) }), 'hello tout le monde');
    assert.equal(await scriptOf(head, 'seed ${vars.seed}', { vars: new Map([['seed', '1.50']]) }), 'seed 1.5', 'a new name can be added');
  });

  test('WEASEL_CONFIG_OVERRIDES wins over the command line; its forms: --a.b V, --a.b=V, --a.b alone', async () => {
    const environment = { WEASEL_CONFIG_OVERRIDES: '--vars.a=from-env --vars.flag --vars.model.name "two words"' };
    assert.equal(await scriptOf(head, '${vars.a} ${vars.flag} ${vars.model.name}', { environment, vars: new Map([['a', 'from-cli']]) }), 'from-env true two words');
    const dashes = { WEASEL_CONFIG_OVERRIDES: '--vars.my-name=x' };
    assert.equal(await scriptOf(head, '${vars.my_name}', { environment: dashes }), 'x', 'the --name=value form turns dashes into underscores, as Weasel does');
  });

  test('an override of env: replaces the value read from the environment', async () => {
    const environment = { WEASEL_CONFIG_OVERRIDES: '--env.gpu 1', GPU: '0' };
    assert.equal(await scriptOf('env:\n  gpu: GPU\n', 'gpu ${env.gpu}', { environment }), 'gpu 1');
  });

  test('bad overrides are errors naming where they came from', async () => {
    await assert.rejects(scriptOf(head, '${vars.a}', { vars: new Map([['a.b', 'x']]) }), usageErrorMatching(/^--vars\.a\.b sets "vars\.a\.b", but vars\.a is not a mapping in the project file/));
    await assert.rejects(scriptOf(head, '${vars.a}', { environment: { WEASEL_CONFIG_OVERRIDES: '--training.max_epochs=1' } }), usageErrorMatching(/^WEASEL_CONFIG_OVERRIDES sets "training\.max_epochs": a project file's overrides name a value under vars: or env:/));
    await assert.rejects(scriptOf(head, '${vars.a}', { environment: { WEASEL_CONFIG_OVERRIDES: 'vars.a x' } }), usageErrorMatching(/^WEASEL_CONFIG_OVERRIDES holds "vars\.a" where an override should start: write --vars\.NAME VALUE$/));
    await assert.rejects(scriptOf(head, '${vars.a}', { environment: { WEASEL_CONFIG_OVERRIDES: '--vars.a "open' } }), usageErrorMatching(/^WEASEL_CONFIG_OVERRIDES does not split into words/));
  });
});

describe('interpolation errors name the file, the line and what to do', () => {
  test('an undefined ${vars.x}', async () => {
    await assert.rejects(scriptOf(vars, 'hello ${vars.a} ${vars.b.e}'), usageErrorMatching(/^project\.yml:10: \$\{vars\.b\.e\} is not defined: define b\.e under vars: in the file, or give it with --vars\.b\.e VALUE$/));
    await assert.rejects(scriptOf('', '${vars.missing}'), usageErrorMatching(/^project\.yml:5: \$\{vars\.missing\} is not defined/));
  });

  test('an ${env.X} that env: does not map', async () => {
    await assert.rejects(scriptOf('', 'x ${env.HOME}'), usageErrorMatching(/^project\.yml:5: \$\{env\.HOME\} is not defined: map HOME to an environment variable under env: in the file \(HOME: VARIABLE_NAME\)$/));
  });

  test('a reference to anything else, an unclosed ${, and a loop', async () => {
    await assert.rejects(scriptOf(vars, '${project.title}'), usageErrorMatching(/^project\.yml:10: \$\{project\.title\} is no variable a project file can use/));
    await assert.rejects(scriptOf(vars, 'echo ${vars.a'), usageErrorMatching(/has \$\{ without a closing \}/));
    await assert.rejects(scriptOf('vars:\n  a: ${vars.b}\n  b: ${vars.a}\n', '${vars.a}'), usageErrorMatching(/^project\.yml:8: variables refer to each other more than 10 deep \(a loop\?\)/));
  });
});
