import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.js';
import { cacheServiceProblem } from '../remote/gha/cacheService.js';
import { readGitHubRun } from '../action/githubRun.js';
import { directOutput } from '../engine/outputSink.js';
import { type StepContext } from '../engine/stepContext.js';
import { stepContextOf } from '../engine/stepContextOf.js';
import { defaultConcurrency, type SavePolicy, savePolicies, type StepDefinition } from '../engine/stepDefinition.js';
import { logProgress, terminalProgress } from '../report/progressDisplay.js';
import { parseOptions } from './parseOptions.js';
import { writeLines } from './terminalOutput.js';

export const stepOptionSpecs = {
  deps: { type: 'string', multiple: true, default: [] as string[] },
  outputs: { type: 'string', multiple: true, default: [] as string[] },
  env: { type: 'string', multiple: true, default: [] as string[] },
  'key-extra': { type: 'string', default: '' },
  'working-directory': { type: 'string' },
  command: { type: 'string' },
  remote: { type: 'string' },
  scope: { type: 'string' },
  's3-endpoint': { type: 'string' },
  's3-region': { type: 'string' },
  's3-force-path-style': { type: 'boolean' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  'fail-on-cache-error': { type: 'boolean', default: false },
  'no-hash-cache': { type: 'boolean', default: false },
  save: { type: 'string', default: 'auto' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

export type StepOptions = ReturnType<typeof parseStepOptions>;

export function parseStepOptions(args: string[], command: string) {
  return parseOptions(args, stepOptionSpecs, command);
}

export function stepDefinition(options: StepOptions, command: string[]): StepDefinition {
  const values = options.values;
  return {
    workingDirectory: resolve(values['working-directory'] ?? '.'),
    command,
    deps: values.deps,
    outputs: values.outputs,
    env: values.env,
    keyExtra: values['key-extra'],
  };
}

export async function stepContext(options: StepOptions, workingDirectory: string, environment: NodeJS.ProcessEnv): Promise<StepContext> {
  const values = options.values;
  // In a job on GitHub Actions the event decides the scope, for the CLI as for the action.
  const github = await readGitHubRun();
  return stepContextOf({
    remote: values.remote ?? environment.STOAT_REMOTE ?? defaultRemote(environment),
    s3: {
      endpoint: values['s3-endpoint'],
      region: values['s3-region'],
      forcePathStyle: values['s3-force-path-style'],
      timeoutSeconds: values.timeout === undefined ? undefined : wholeNumber('--timeout', values.timeout, 3600),
    },
    workingDirectory,
    scope: { scope: values.scope, trustedRefs: [], fallback: 'local' },
    concurrency: values.concurrency === undefined ? defaultConcurrency : wholeNumber('--concurrency', values.concurrency, 256),
    failOnCacheError: values['fail-on-cache-error'],
    environment,
    github,
    progress: process.stderr.isTTY ? terminalProgress(process.stderr) : logProgress((line) => writeLines(process.stderr, [`stoat: ${line}`])),
    // Under --json, standard output carries the report alone.
    commandOutput: directOutput(values.json ? 'stderr' : 'stdout'),
    hashCache: values['no-hash-cache'] ? undefined : hashCacheFolder(environment),
  });
}

export function savePolicy(options: StepOptions): SavePolicy {
  const value = options.values.save;
  if (!savePolicies.includes(value as SavePolicy)) throw new UsageError(`--save is "${value}": use one of ${savePolicies.join(', ')}`);
  return value as SavePolicy;
}

/** Where the CLI remembers the digests of files it has hashed: beside the default store, whatever the remote. */
export function hashCacheFolder(environment: NodeJS.ProcessEnv): string {
  return join(defaultLocalStore(environment), 'hash-cache');
}

/**
 * In a job on GitHub Actions whose earlier stoat step exported the cache's variables
 * (`export-runtime`), the GitHub Actions cache, as in the Action; elsewhere the local store.
 */
function defaultRemote(environment: NodeJS.ProcessEnv): string {
  return cacheServiceProblem(environment) === undefined ? 'gha' : defaultLocalStore(environment);
}

/** A laptop with nothing set up still gets a working store, in the usual place for caches. */
export function defaultLocalStore(environment: NodeJS.ProcessEnv): string {
  const base = environment.XDG_CACHE_HOME !== undefined && environment.XDG_CACHE_HOME !== '' ? environment.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'stoat');
}

function wholeNumber(option: string, text: string, largest: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > largest) throw new UsageError(`${option} is "${text}": use a whole number from 1 to ${largest}`);
  return value;
}
