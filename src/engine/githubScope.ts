import { type GitHubRun } from '../core/githubRun.js';
import { planExplicitScope, planGitHubScope, planRequestedScope, type ScopePlan } from '../core/scope.js';

export interface ScopeChoice {
  /** The `scope` input or `--scope`: on GitHub Actions only a sub-scope of the event's scope. */
  scope?: string;
  trustedRefs: readonly string[];
  /** The scope outside GitHub Actions (`local` for the CLI). */
  fallback: string;
}

/**
 * The scope plan for this run. On GitHub Actions (`github` is the run) the event decides it,
 * whatever the inputs say: an explicit scope only narrows it to a sub-scope, and a fork stays a
 * fork. Elsewhere (a laptop) there is no event, and an explicit scope is taken as given.
 */
export function planScope(github: GitHubRun | undefined, choice: ScopeChoice): ScopePlan {
  const requested = choice.scope?.trim() ?? '';
  if (github === undefined) {
    return requested === '' ? planExplicitScope(choice.fallback, 'not running on GitHub Actions') : planExplicitScope(requested, 'set explicitly');
  }
  const trustedRefs = choice.trustedRefs.map((ref) => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`));
  const plan = planGitHubScope({ ...github, trustedRefs });
  return requested === '' ? plan : planRequestedScope(plan, requested);
}
