import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { lineOutput } from '../../src/engine/lineOutput.js';
import { type CommandStream, type OutputSink } from '../../src/engine/outputSink.js';
import { runScript, runWords } from '../../src/engine/runScript.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('run-script');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What several steps running at once will do: every line of a step's output prefixed with its name. */
function prefixingSink(prefix: string): { sink: OutputSink; lines: Record<CommandStream, string[]>; ended: () => boolean } {
  const lines: Record<CommandStream, string[]> = { stdout: [], stderr: [] };
  let ended = false;
  const lineSink = lineOutput((stream, line) => lines[stream].push(`${prefix} ${line}`));
  const sink: OutputSink = {
    write: (stream, chunk) => lineSink.write(stream, chunk),
    end: () => {
      lineSink.end();
      ended = true;
    },
  };
  return { sink, lines, ended: () => ended };
}

describe('runScript writes to the sink it is given', () => {
  test('a prefixing sink sees every line of both streams, in order per stream, the last one without a line break too', async () => {
    const { sink, lines, ended } = prefixingSink('[train]');
    const script = [
      'for i in $(seq 1 2000); do echo "out $i"; echo "err $i" >&2; done',
      // A line written in pieces, a character split between writes, and a last line with no line break.
      'printf "pie"; sleep 0.05; printf "ce\\n"; printf "\\xc3"; sleep 0.05; printf "\\xbc\\n"',
      'printf "last err" >&2',
      'printf "last out"',
    ];
    const exitCode = await runScript(script, root, { PATH: process.env.PATH }, sink);
    assert.equal(exitCode, 0);
    assert.ok(ended(), 'the sink is told the command ended');
    const expected = (stream: string) => Array.from({ length: 2000 }, (_, index) => `[train] ${stream} ${index + 1}`);
    assert.deepEqual(lines.stdout, [...expected('out'), '[train] piece', '[train] ü', '[train] last out']);
    assert.deepEqual(lines.stderr, [...expected('err'), '[train] last err']);
  });

  test('lines reach the sink while the command runs, not when it ends', async () => {
    const go = join(root, 'go');
    const lines: string[] = [];
    const sink = lineOutput((_stream, line) => {
      lines.push(line);
      // The command waits for this file, so a sink that saw lines only at the end would never see any.
      if (line === 'waiting') void writeFile(go, '');
    });
    const script = ['echo waiting', `for i in $(seq 1 200); do [ -e '${go}' ] && break; sleep 0.05; done`, `[ -e '${go}' ] && echo released`];
    assert.equal(await runScript(script, root, { PATH: process.env.PATH }, sink), 0);
    assert.deepEqual(lines, ['waiting', 'released']);
  });

  test('a failing command still hands over all it wrote, and its exit code', async () => {
    const { sink, lines } = prefixingSink('>');
    assert.equal(await runScript(['echo before', 'echo oops >&2', 'exit 3'], root, { PATH: process.env.PATH }, sink), 3);
    assert.deepEqual(lines, { stdout: ['> before'], stderr: ['> oops'] });
  });
});

describe('runWords runs each line as a program without a shell, as Weasel does', () => {
  test('words are passed as they are split, lines run in order, and the first failure stops the rest', async () => {
    const { sink, lines } = prefixingSink('[w]');
    const exitCode = await runWords(["printf '%s|' 'a b' '$HOME' '*'", 'sh -c "exit 4"', 'echo never'], root, process.env, sink);
    assert.equal(exitCode, 4);
    assert.deepEqual(lines.stdout, ['[w] a b|$HOME|*|']);
  });

  test('a program that does not exist fails its line with 127 and says so', async () => {
    const { sink, lines } = prefixingSink('[w]');
    const exitCode = await runWords(['no-such-program-here --flag'], root, process.env, sink);
    assert.equal(exitCode, 127);
    assert.match(lines.stderr.join('\n'), /could not start "no-such-program-here" \(not found/);
  });
});
