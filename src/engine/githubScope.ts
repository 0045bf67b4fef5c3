import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { type GitHubRunFacts, planExplicitScope, planGitHubScope, type ScopePlan } from '../core/scope.js';

export interface ScopeChoice {
  /** An explicit scope wins over everything. */
  scope?: string;
  trustedRefs: readonly string[];
  /** The scope outside GitHub Actions (`local` for the CLI). */
  fallback: string;
}

/** The scope plan for this run: explicit, derived from the GitHub event, or the fallback. */
export function planScope(environment: NodeJS.ProcessEnv, choice: ScopeChoice): ScopePlan {
  if (choice.scope !== undefined && choice.scope !== '') return planExplicitScope(choice.scope, 'set explicitly');
  if (environment.GITHUB_ACTIONS !== 'true') return planExplicitScope(choice.fallback, 'not running on GitHub Actions');
  return planGitHubScope(readGitHubRunFacts(environment, choice.trustedRefs));
}

export function readGitHubRunFacts(environment: NodeJS.ProcessEnv, trustedRefs: readonly string[]): GitHubRunFacts {
  const payload = readEventPayload(environment.GITHUB_EVENT_PATH);
  const pullRequest = payload.pull_request as { number?: number; head?: { repo?: { fork?: boolean; full_name?: string } | null }; base?: { repo?: { full_name?: string } } } | undefined;
  const headRepository = pullRequest?.head?.repo;
  const fork =
    pullRequest !== undefined &&
    (headRepository === null || headRepository === undefined || headRepository.fork === true || headRepository.full_name !== pullRequest.base?.repo?.full_name);
  return {
    eventName: environment.GITHUB_EVENT_NAME ?? '',
    ref: environment.GITHUB_REF ?? '',
    defaultBranch: (payload.repository as { default_branch?: string } | undefined)?.default_branch,
    pullRequestNumber: typeof pullRequest?.number === 'number' ? pullRequest.number : pullRequestNumberOfRef(environment.GITHUB_REF),
    fork,
    trustedRefs: trustedRefs.map((ref) => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`)),
  };
}

/** `refs/pull/42/merge` names pull request 42 even when the event payload does not. */
function pullRequestNumberOfRef(ref: string | undefined): number | undefined {
  const match = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref ?? '');
  return match === null ? undefined : Number(match[1]);
}

function readEventPayload(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path === '') return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`the GitHub event payload ${path} (GITHUB_EVENT_PATH) cannot be read: ${(error as Error).message}`);
  }
}
