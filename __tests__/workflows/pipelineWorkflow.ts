import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/* The reusable workflow as its tests read it: the parsed YAML, and a `shell: bash` step run as the runner runs it. */

export interface Step { id?: string; name?: string; uses?: string; run?: string; env?: Record<string, string | number>; with?: Record<string, unknown> }
export interface Job {
  needs?: string[] | string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: string; matrix?: Record<string, string> };
  steps: Step[];
}
export interface Workflow {
  on: { workflow_call: { inputs: Record<string, { type: string }>; outputs: Record<string, { value: string }> } };
  jobs: Record<string, Job>;
}

export const pipelineWorkflow = parse(await readFile('.github/workflows/pipeline.yml', 'utf8')) as Workflow;

export interface StepRun {
  /** What the step wrote to GITHUB_OUTPUT. */
  outputs: Map<string, string>;
  exitCode: number;
}

/**
 * Runs a step's script with bash as the runner runs a `shell: bash` step: `-eo pipefail`, the step's
 * own `env` (those that need no expression), `environment` on top, `bin` first on PATH, and a fresh
 * GITHUB_OUTPUT file at `outputFile`.
 */
export async function runWorkflowStep(step: Step, cwd: string, bin: string, outputFile: string, environment: Record<string, string>): Promise<StepRun> {
  await writeFile(outputFile, '');
  const stepEnvironment = Object.fromEntries(Object.entries(step.env ?? {}).filter(([, value]) => !String(value).includes('${{')).map(([name, value]) => [name, String(value)]));
  let exitCode = 0;
  try {
    await promisify(execFile)('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH}`, ...stepEnvironment, ...environment, GITHUB_OUTPUT: outputFile },
    });
  } catch (error) {
    exitCode = (error as { code?: number }).code ?? 1;
  }
  const lines = (await readFile(outputFile, 'utf8')).split('\n').filter((line) => line.includes('='));
  return { outputs: new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])), exitCode };
}
