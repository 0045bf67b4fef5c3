import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from '@jest/globals';
import { commandKey } from '../../src/core/commandKey.js';
import { scriptLines } from '../../src/core/scriptLines.js';
import { scriptOfWords } from '../../src/core/scriptOfWords.js';

const foxSha256 = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';

/** One step, the same on both faces but for how its script is written. */
function keyOf(script: string[]): string {
  return commandKey({ script, deps: [['train.py', foxSha256]], env: { SEED: '1' }, extra: '', outputs: ['model'] });
}

/** The Action's `run:` input, as the runner hands it over (untrimmed). */
const actionKey = (run: string): string => keyOf(scriptLines(run));
/** `stoat exec -- WORD...`, as the shell hands the words over. */
const cliKey = (words: string[]): string => keyOf(scriptOfWords(words));

interface SameStep {
  name: string;
  run: string;
  /** Every way of writing the same step after `--`. */
  words: string[][];
  /** The JSON text the recipe hashes, for checking `key` by hand. */
  hashed: string;
  key: string;
}

// Expected keys were computed once with python3 over the JSON text given with each case:
//   hashlib.sha256(text.encode('utf-8')).hexdigest()
// so a change to how either face turns its script into lines fails here.
const deps = '"deps":[["train.py","d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"]],"env":[["SEED","1"]],"extra":"","outputs":["model"]}';
const cases: SameStep[] = [
  {
    name: 'several words after -- and one word holding the same line',
    run: 'python train.py --seed 1',
    words: [['python', 'train.py', '--seed', '1'], ['python train.py --seed 1']],
    hashed: `{"v":1,"script":["python train.py --seed 1"],${deps}`,
    key: '7a9d6b00b86db20187a306c4bd39f2b20a873d9c4e76f082dc269be73b61b736',
  },
  {
    name: 'a multi-line script (a YAML block scalar ends in a newline)',
    run: 'set -e\npython prepare.py\npython train.py --seed 1\n',
    words: [['set -e\npython prepare.py\npython train.py --seed 1'], ['set -e\npython prepare.py\npython train.py --seed 1\n']],
    hashed: `{"v":1,"script":["set -e","python prepare.py","python train.py --seed 1"],${deps}`,
    key: 'bd73f0e57465062abe0a5de3071f9a8c408c79ec078be63f200fd2a4053f4496',
  },
  {
    name: 'blank lines before and after the script',
    run: '\n  \npython train.py\n\n\t\n',
    words: [['\npython train.py\n\n'], ['python', 'train.py']],
    hashed: `{"v":1,"script":["python train.py"],${deps}`,
    key: '24fd79eb35eec3128fbddf89b8c2089955fb1bf30dd13fc929b4b91fb1614ff3',
  },
  {
    name: 'CRLF line breaks',
    run: 'python prepare.py\r\npython train.py\r\n',
    words: [['python prepare.py\npython train.py'], ['python prepare.py\r\npython train.py\r\n']],
    hashed: `{"v":1,"script":["python prepare.py","python train.py"],${deps}`,
    key: 'd994c74f8ace2a0b9bdbfca1993e3e7ecfaf8baec1ba40fda4ea6bf2d7ea928c',
  },
  {
    name: 'words that need quoting: spaces, quotes, $, an empty word',
    run: `echo 'a b' 'say "hi"' 'it'\\''s' '$HOME' '' --flag=x`,
    words: [['echo', 'a b', 'say "hi"', "it's", '$HOME', '', '--flag=x']],
    hashed: `{"v":1,"script":["echo 'a b' 'say \\"hi\\"' 'it'\\\\''s' '$HOME' '' --flag=x"],${deps}`,
    key: 'dda263eaf120bf51c5bdfbea85544e171923f5a755dc6d26eaccdfb2b8e0bbd3',
  },
  {
    name: 'one word taken as a script, as bash -c takes it',
    run: 'make out && echo "done: $HOME"',
    words: [['make out && echo "done: $HOME"']],
    hashed: `{"v":1,"script":["make out && echo \\"done: $HOME\\""],${deps}`,
    key: '0eee1879df489b34a948dfe2ac94b0a51bc2a0de9a49252f9a8d42a59bdd924c',
  },
];

describe('the Action and the CLI make the same key for the same step (golden)', () => {
  for (const step of cases) {
    test(step.name, () => {
      assert.equal(keyOf(JSON.parse(step.hashed).script), step.key, 'the hashed text is the recipe\'s');
      assert.equal(actionKey(step.run), step.key, 'the Action');
      for (const words of step.words) assert.equal(cliKey(words), step.key, `the CLI: ${JSON.stringify(words)}`);
    });
  }
});

describe('scriptOfWords', () => {
  test('bash reads the quoted words back as they were given', () => {
    const words = ['a b', 'say "hi"', "it's", '$HOME', '', '--flag=x', '*', 'tab\there', 'ü'];
    const [line] = scriptOfWords(['printf', '%s\\0', ...words]);
    const printed = execFileSync('bash', ['--noprofile', '--norc', '-c', line!], { encoding: 'utf8', env: { HOME: '/nowhere' } });
    assert.deepEqual(printed.split('\0').slice(0, -1), words);
  });

  test('keeps a script\'s inner blank lines and indentation', () => {
    assert.deepEqual(scriptOfWords(['if true; then\n\n  echo yes\nfi\n']), ['if true; then', '', '  echo yes', 'fi']);
  });
});
