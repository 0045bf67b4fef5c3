import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { actionlintProblems, languageServiceProblems, workflowFiles, type WorkflowProblem } from './workflowValidation.js';

const repository = process.cwd();
const files = await workflowFiles(repository);

describe('every workflow and action file in the repository', () => {
  test('the files found include the reusable workflow, its example caller, the release and the set-up action', () => {
    expect(files).toEqual(expect.arrayContaining([
      '.github/workflows/pipeline.yml',
      '.github/workflows/pipeline-example.yml',
      '.github/workflows/release.yml',
      '.github/actions/setup-stoat/action.yml',
    ]));
    expect(files.filter((file) => file.startsWith('examples/') && file.endsWith('project.yml'))).toEqual([]);
  });

  test.each(files)('%s passes GitHub\'s workflow validator', async (file) => {
    expect(await languageServiceProblems(repository, file)).toEqual([]);
  });

  test.each(files.filter((file) => file.startsWith('.github/workflows/')))('%s passes actionlint', async (file) => {
    expect(await actionlintProblems(repository, file)).toEqual([]);
  });
});

/* Broken copies of the real files, in a scratch repository: the checks must find what is wrong. */
describe('the checks find broken files', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTemporaryDirectory('workflow-files');
    for (const file of ['.github/workflows/pipeline.yml', '.github/workflows/pipeline-example.yml', '.github/actions/setup-stoat/action.yml']) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await cp(join(repository, file), join(root, file));
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** Writes `file` with `search` replaced (it must be there), and returns what both checks say of `checked`. */
  async function problemsAfter(file: string, search: string, replacement: string, checked = file): Promise<WorkflowProblem[]> {
    const original = await readFile(join(repository, file), 'utf8');
    expect(original).toContain(search);
    await writeFile(join(root, file), original.replace(search, replacement));
    try {
      return [...(await languageServiceProblems(root, checked)), ...(await actionlintProblems(root, checked))];
    } finally {
      await writeFile(join(root, file), original);
    }
  }

  test('the unchanged copies are clean, so what follows is the change', async () => {
    const problems = await Promise.all(['.github/workflows/pipeline.yml', '.github/workflows/pipeline-example.yml'].map(async (file) => [
      ...(await languageServiceProblems(root, file)),
      ...(await actionlintProblems(root, file)),
    ]));
    expect(problems.flat()).toEqual([]);
  });

  test('a reference to an input the reusable workflow does not declare', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline.yml', 'LEG: ${{ matrix.leg }}', 'LEG: ${{ inputs.legs }}');
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ checker: 'languageservice', message: expect.stringContaining('legs') }),
      expect.objectContaining({ checker: 'actionlint', message: expect.stringContaining('property "legs" is not defined') }),
    ]));
  });

  test('a wave job reading a plan output that does not exist', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline.yml', 'fromJSON(needs.plan.outputs.wave-3)', 'fromJSON(needs.plan.outputs.wave-30)');
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('wave-30') })]));
  });

  test('a caller passing an input the reusable workflow does not take', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline-example.yml', 'workflow: all\n      fan-out: false', 'workflow: all\n      fan-outs: false');
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ checker: 'languageservice', message: expect.stringMatching(/fan-outs is not defined in the referenced workflow/) }),
    ]));
  });

  test('a caller reading an output the reusable workflow does not set', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline-example.yml', 'needs.one-job.outputs.ran', 'needs.one-job.outputs.steps-ran');
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('steps-ran') })]));
  });

  test('the reusable workflow changed under its caller: a required input the caller does not give', async () => {
    const problems = await problemsAfter(
      '.github/workflows/pipeline.yml',
      '      scope:\n        description:',
      '      scope:\n        required: true\n        description:',
      '.github/workflows/pipeline-example.yml',
    );
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/scope is required/i) })]));
  });

  test('a `$/` step passing an input the set-up action does not take', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline.yml', '        uses: $/.github/actions/setup-stoat\n        with:\n', '        uses: $/.github/actions/setup-stoat\n        with:\n          python: 3.12\n');
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ checker: 'languageservice', message: expect.stringContaining('python') })]));
  });

  test('actionlint\'s filter is narrow: another property of the job context is still an error', async () => {
    const problems = await problemsAfter('.github/workflows/pipeline.yml', 'ref: ${{ job.workflow_sha }}', 'ref: ${{ job.workflow_commit }}');
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ checker: 'actionlint', message: expect.stringContaining('property "workflow_commit" is not defined') }),
    ]));
  });
});
