import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { actionlintProblems, languageServiceProblems } from './workflowValidation.js';

/* What the README tells a caller of the reusable workflow, held against the workflow itself. */

const readme = await readFile('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Reusable workflow'), readme.indexOf('### Releases and pinning'));
const workflow = parse(await readFile('.github/workflows/pipeline.yml', 'utf8')) as {
  on: { workflow_call: { inputs: Record<string, { type: string; default?: unknown }>; secrets: Record<string, unknown>; outputs: Record<string, unknown> } };
};
const callable = workflow.on.workflow_call;

/** The first cells of the rows of the section's table whose header starts with `heading`. */
function tableRows(heading: string): string[][] {
  const start = section.indexOf(`| ${heading} |`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = section.slice(start).split('\n');
  const rows = lines.slice(2, lines.findIndex((line, index) => index > 0 && !line.startsWith('|')));
  return rows.map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim()));
}

test('the inputs table lists every input with its type, and nothing else', () => {
  const rows = tableRows('input');
  expect(rows.map(([name]) => name).sort()).toEqual(Object.keys(callable.inputs).map((name) => `\`${name}\``).sort());
  for (const [name, type] of rows) expect(callable.inputs[name!.slice(1, -1)]!.type).toBe(type);
});

test('the secrets and outputs tables list every secret and output', () => {
  const secrets = tableRows('secret').flatMap(([names]) => names!.split(', ').map((name) => name.slice(1, -1)));
  expect(secrets.sort()).toEqual(Object.keys(callable.secrets).sort());
  expect(tableRows('output').map(([name]) => name!.slice(1, -1)).sort()).toEqual(Object.keys(callable.outputs).sort());
});

let root: string;
beforeAll(async () => {
  root = await makeTemporaryDirectory('readme-caller');
  for (const file of ['.github/workflows/pipeline.yml', '.github/actions/setup-stoat/action.yml']) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await cp(file, join(root, file));
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

test('the complete caller example validates against the workflow, as a local call', async () => {
  const examples = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const caller = examples.find((example) => example.includes('on:') && example.includes('/.github/workflows/pipeline.yml@v1'))!;
  expect(caller).toBeDefined();
  const local = caller.replace('<owner>/stoat/.github/workflows/pipeline.yml@v1', './.github/workflows/pipeline.yml');
  await writeFile(join(root, '.github/workflows/caller.yml'), local);
  expect(await languageServiceProblems(root, '.github/workflows/caller.yml')).toEqual([]);
  expect(await actionlintProblems(root, '.github/workflows/caller.yml')).toEqual([]);
  // And a caller that misnames an input is caught, so the clean result above means something.
  await writeFile(join(root, '.github/workflows/caller.yml'), local.replace('working-directory:', 'working-folder:'));
  expect(await languageServiceProblems(root, '.github/workflows/caller.yml')).toEqual([
    expect.objectContaining({ message: expect.stringContaining('working-folder') }),
  ]);
});
