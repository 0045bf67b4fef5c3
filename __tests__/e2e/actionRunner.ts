import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

export const repositoryRoot = new URL('../..', import.meta.url).pathname;

/** One run of a bundle: its exit code, what it printed, and what it wrote for the runner. */
export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** A runner job's files: one RUNNER_TEMP, one summary file per step, the event payload. */
export interface RunnerJob {
  workspace: string;
  runnerTemp: string;
  toolCache: string;
  eventName: string;
  ref: string;
  payload: Record<string, unknown>;
}

/**
 * Runs a committed bundle the way the GitHub runner runs a node action: the defaults from the
 * action's metadata and the step's `with:` as INPUT_* variables, fresh GITHUB_OUTPUT, GITHUB_STATE
 * and GITHUB_STEP_SUMMARY files, STATE_* from main for post, in the workspace.
 */
export async function runAction(job: RunnerJob, metadata: string, entry: 'main' | 'post', inputs: Record<string, string>, state: Record<string, string> = {}, extraEnvironment: Record<string, string> = {}): Promise<ActionRun> {
  const action = parse(await readFile(join(repositoryRoot, metadata), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { main: string; post?: string } };
  const bundle = join(repositoryRoot, metadata, '..', entry === 'main' ? action.runs.main : action.runs.post!);
  const stepFiles = join(job.runnerTemp, `_runner_file_commands_${randomUUID()}`);
  await mkdir(stepFiles, { recursive: true });
  const files = { GITHUB_OUTPUT: join(stepFiles, 'output'), GITHUB_STATE: join(stepFiles, 'state'), GITHUB_STEP_SUMMARY: join(stepFiles, 'summary') };
  for (const file of Object.values(files)) await writeFile(file, '');
  const eventPath = join(job.runnerTemp, 'event.json');
  await writeFile(eventPath, JSON.stringify(job.payload));
  const environment: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: job.workspace,
    RUNNER_TEMP: job.runnerTemp,
    RUNNER_TOOL_CACHE: job.toolCache,
    GITHUB_EVENT_NAME: job.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: job.ref,
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'octo/pipeline',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'train',
    ...files,
    ...extraEnvironment,
  };
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.default !== undefined) environment[`INPUT_${name.toUpperCase()}`] = String(input.default);
  }
  for (const [name, value] of Object.entries(inputs)) environment[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(state)) environment[`STATE_${name}`] = value;
  const { exitCode, stdout, stderr } = await runNode(bundle, job.workspace, environment);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommands(await readFile(files.GITHUB_STATE, 'utf8')),
    summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

function runNode(bundle: string, cwd: string, environment: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
  });
}

/** Reads `name<<DELIMITER\nvalue\nDELIMITER` records, the format @actions/core writes. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index]!);
    if (match === null) continue;
    const value: string[] = [];
    while (++index < lines.length && lines[index] !== match[2]) value.push(lines[index]!);
    values[match[1]!] = value.join('\n');
  }
  return values;
}
