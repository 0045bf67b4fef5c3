import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { cacheMode, cacheServiceProblem } from '../remote/gha/cacheService.js';
import { type Remote } from '../remote/remote.js';

/** The remote a step uses, and, when the Action chose it, why: said beside the remote in the summary. */
export interface RemoteChoice {
  remote: string;
  /** Why this remote, when the `remote` input did not name it. */
  reason: string | undefined;
  /** A warning for the log, on the first run of a store that will not outlive the machine. */
  warning: string | undefined;
}

/**
 * With no `remote` input, the GitHub Actions cache wherever the job can reach it, as actions/cache
 * works with no setup; the runner's disk (under RUNNER_TOOL_CACHE) only where it cannot, which on a
 * GitHub-hosted runner is thrown away with the machine.
 */
export function chooseRemote(given: string, environment: NodeJS.ProcessEnv): RemoteChoice {
  if (given !== '') return { remote: given, reason: undefined, warning: undefined };
  const problem = cacheServiceProblem(environment) ?? (cacheMode(environment).value === 'none' ? 'ACTIONS_CACHE_MODE is "none"' : undefined);
  if (problem === undefined) {
    return { remote: 'gha', reason: 'the default: the input "remote" is not set, and this job can reach the GitHub Actions cache', warning: undefined };
  }
  const base = environment.RUNNER_TOOL_CACHE || environment.RUNNER_TEMP;
  if (base === undefined || base === '') {
    throw new UsageError(`the input "remote" is not set, this job cannot reach the GitHub Actions cache (${problem}), and RUNNER_TOOL_CACHE is not set: give a remote (s3://bucket/prefix or a directory)`);
  }
  const store = resolve(base, 'stoat');
  const lasting = 'results kept there outlive this job only where the runner keeps its disk, which a GitHub-hosted runner does not';
  return {
    remote: store,
    reason: `the default: the input "remote" is not set, and this job cannot reach the GitHub Actions cache (${problem}), so results are kept on this runner's disk; ${lasting}`,
    warning: existsSync(store) ? undefined : `no remote is given and this job cannot reach the GitHub Actions cache (${problem}), so results are kept on this runner's disk at ${store}: ${lasting}. Give a remote (s3://bucket/prefix) to keep them`,
  };
}

/** The remote as the summary shows it: its name, then why the Action chose it. */
export function withChoiceShown(remote: Remote, reason: string): Remote {
  // Everything else is the remote's own, reached through the prototype chain.
  return Object.create(remote, { display: { value: `${remote.display} (${reason})`, enumerable: true } }) as Remote;
}
