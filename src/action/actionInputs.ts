import * as core from '@actions/core';
import { UsageError } from '../core/errors.js';
import { scriptLines } from '../core/scriptLines.js';
import { type S3Options } from '../remote/s3/s3Options.js';
import { chooseRemote, type RemoteChoice } from './remoteChoice.js';
import { defaultConcurrency, type SavePolicy, savePolicies, type StepDefinition } from '../engine/stepDefinition.js';
import { resolve } from 'node:path';

/** The inputs every mode reads: where results go and how a step may use them. */
export interface SharedInputs {
  /** Where the step's paths are relative to and its commands run. */
  workingDirectory: string;
  remote: string;
  /** Why the Action chose the remote when the input did not name it, and a warning on the first run of a store on the runner's disk. */
  remoteChoice: Omit<RemoteChoice, 'remote'>;
  /** Export the GitHub Actions cache's variables for the job's later `run:` steps. */
  exportRuntime: boolean;
  s3: S3Options;
  save: SavePolicy;
  summary: boolean;
  /** Keep a comment on the pull request with the job's table (read again where it is written, in pullRequestComment.ts). */
  comment: boolean;
  failOnCacheError: boolean;
  scope: string;
  trustedRefs: string[];
  concurrency: number;
  /** The hash cache's folder, under RUNNER_TEMP; undefined when `hash-cache` is false. */
  hashCache: string | undefined;
}

/** Everything the Action's inputs say of one step, checked. */
export interface ActionInputs extends SharedInputs {
  definition: StepDefinition;
  /** `run`: the Action runs the script; `command`: the workflow runs it in a later step. */
  mode: 'run' | 'command';
}

/**
 * Reads the inputs. `run` and `command` are exclusive; the sub-actions identify the step by
 * `command` only, so for them `run` is refused.
 */
export function readActionInputs(environment: NodeJS.ProcessEnv, modes: readonly ('run' | 'command')[]): ActionInputs {
  const run = core.getInput('run', { trimWhitespace: false });
  const command = core.getInput('command');
  const given = [run.trim() === '' ? undefined : 'run', command === '' ? undefined : 'command'].filter((mode) => mode !== undefined);
  const allowed = modes.map((mode) => `"${mode}"`).join(' or ');
  if (given.length !== 1 || !modes.includes(given[0] as 'run' | 'command')) {
    const found = given.length === 0 ? 'neither is set' : `${given.map((mode) => `"${mode}"`).join(' and ')} ${given.length === 1 ? 'is' : 'are'} set`;
    throw new UsageError(`set exactly one of the inputs ${modes.length === 2 ? '"run" (the script to run on a miss) or "command" (the command string, when a later step runs it), or give "project" (a pipeline\'s project file) and "workflow"' : allowed}: ${found}`);
  }
  const mode = given[0] as 'run' | 'command';
  const shared = readSharedInputs(environment);
  return {
    definition: {
      workingDirectory: shared.workingDirectory,
      command: mode === 'run' ? scriptLines(run) : [command],
      deps: core.getMultilineInput('deps'),
      outputs: core.getMultilineInput('outputs'),
      env: core.getMultilineInput('env'),
      keyExtra: core.getInput('key-extra'),
    },
    mode,
    ...shared,
  };
}

export function readSharedInputs(environment: NodeJS.ProcessEnv): SharedInputs {
  const workspace = environment.GITHUB_WORKSPACE ?? process.cwd();
  return {
    workingDirectory: resolve(workspace, core.getInput('working-directory') || '.'),
    ...remoteInputs(environment),
    s3: {
      endpoint: core.getInput('s3-endpoint') || undefined,
      region: core.getInput('s3-region') || undefined,
      forcePathStyle: core.getInput('s3-force-path-style') === '' ? undefined : booleanInput('s3-force-path-style'),
      timeoutSeconds: core.getInput('timeout') === '' ? undefined : countInput('timeout', 3600),
    },
    save: choiceInput('save', savePolicies, 'auto'),
    summary: core.getInput('summary') === '' ? true : booleanInput('summary'),
    comment: core.getInput('comment') === '' ? false : booleanInput('comment'),
    failOnCacheError: core.getInput('fail-on-cache-error') === '' ? false : booleanInput('fail-on-cache-error'),
    scope: core.getInput('scope'),
    trustedRefs: core.getMultilineInput('trusted-refs'),
    concurrency: core.getInput('concurrency') === '' ? defaultConcurrency : countInput('concurrency', 256),
    hashCache: core.getInput('hash-cache') === '' || booleanInput('hash-cache') ? hashCacheFolder(environment) : undefined,
  };
}

/** The job's own temporary folder, emptied after each job: the steps of one job share what was hashed. */
function hashCacheFolder(environment: NodeJS.ProcessEnv): string | undefined {
  const base = environment.RUNNER_TEMP;
  return base === undefined || base === '' ? undefined : resolve(base, 'stoat-hash-cache');
}

/** The remote, chosen by the Action when the input does not name one (remoteChoice.ts), and whether to export the cache's variables. */
function remoteInputs(environment: NodeJS.ProcessEnv): Pick<ActionInputs, 'remote' | 'remoteChoice' | 'exportRuntime'> {
  const { remote, ...remoteChoice } = chooseRemote(core.getInput('remote'), environment);
  return { remote, remoteChoice, exportRuntime: core.getInput('export-runtime') === '' ? false : booleanInput('export-runtime') };
}

function booleanInput(name: string): boolean {
  const value = core.getInput(name).toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`the input "${name}" is "${core.getInput(name)}": use true or false`);
}

function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const value = core.getInput(name) || fallback;
  if (!choices.includes(value as T)) throw new UsageError(`the input "${name}" is "${value}": use one of ${choices.join(', ')}`);
  return value as T;
}

export function countInput(name: string, largest: number): number {
  const value = Number(core.getInput(name));
  if (!Number.isSafeInteger(value) || value < 1 || value > largest) throw new UsageError(`the input "${name}" is "${core.getInput(name)}": use a whole number from 1 to ${largest}`);
  return value;
}
