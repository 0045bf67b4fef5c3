import * as core from '@actions/core';
import { cacheServiceProblem, cacheServiceVariables } from '../remote/gha/cacheService.js';
import { logWarning } from './actionLog.js';

/**
 * `export-runtime: true`: the GitHub Actions cache's variables, which the runner gives only to the
 * processes of actions, exported for the job's later steps, so that `npx stoat --remote gha` works
 * in a `run:` script. The runtime token is among them: every later step of the job can read it and
 * use the job's cache (and what else the token allows) for as long as the job runs.
 */
export function exportCacheRuntime(environment: NodeJS.ProcessEnv): void {
  const problem = cacheServiceProblem(environment);
  if (problem !== undefined) {
    logWarning(`export-runtime: this step cannot pass the GitHub Actions cache on to later steps, because ${problem} here`);
    return;
  }
  for (const name of cacheServiceVariables) {
    const value = environment[name];
    if (value !== undefined && value !== '') core.exportVariable(name, value);
  }
}
