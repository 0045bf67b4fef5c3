import { UsageError } from './errors.js';
import { type GitHubRun } from './githubRun.js';
import { sha256Hex } from './fileDigests.js';
import { printable } from './printable.js';

export const trustedScope = 'trusted';

/**
 * Joins an event's scope and a sub-scope name: `pr-7@gpu`. Event scopes are built from letters,
 * digits, ".", "_" and "-" only (a ref is sanitized to those), so no event scope holds this
 * character: `pr-7@8` can never be `pr-78`, and `ref-feature-x@exp1` never the scope of a branch
 * named `feature-x.exp1` or `feature-x@exp1`. A sub-scope starts with its event's scope and stays
 * one path segment of the layout, so a bucket policy that lets pull requests write only `pr-*`
 * scopes still confines every sub-scope of a pull request.
 */
export const subScopeSeparator = '@';

/** Which scope a run writes and which it reads, and why. */
export interface ScopePlan {
  write: string;
  /** Own scope first, then `trusted`. */
  read: string[];
  /** True for a pull request from a fork: `save: auto` saves nothing there. */
  fork: boolean;
  reason: string;
}

/** What decides the scope of a run on GitHub: the run as the runner describes it, and the refs the workflow trusts. */
export interface GitHubRunFacts extends Pick<GitHubRun, 'eventName' | 'ref' | 'defaultBranch' | 'pullRequestNumber' | 'fork'> {
  trustedRefs: readonly string[];
}

const trustedEvents = new Set(['push', 'schedule', 'workflow_dispatch']);
const namePattern = '[A-Za-z0-9][A-Za-z0-9._-]{0,99}';
const scopePattern = new RegExp(`^${namePattern}(?:${subScopeSeparator}${namePattern})?$`);
/** Bare names that read as an event's scope: on GitHub they are never taken as a sub-scope name. */
const eventScopeLookalike = /^(?:trusted|pr-|ref-)/i;

/**
 * Only runs that cannot be steered by an outside contributor write `trusted`; every other run writes
 * a scope of its own, which trusted runs never read. So an untrusted run cannot plant an entry that
 * a trusted run restores.
 */
export function planGitHubScope(facts: GitHubRunFacts): ScopePlan {
  const defaultRef = facts.defaultBranch === undefined ? undefined : `refs/heads/${facts.defaultBranch}`;
  const trustedRef = facts.ref === defaultRef || facts.trustedRefs.includes(facts.ref);
  if (trustedEvents.has(facts.eventName) && trustedRef) {
    return { write: trustedScope, read: [trustedScope], fork: false, reason: `${facts.eventName} on ${facts.ref}` };
  }
  if (facts.pullRequestNumber !== undefined) {
    const write = `pr-${facts.pullRequestNumber}`;
    const from = facts.fork ? 'a fork pull request' : 'a pull request';
    return { write, read: [write, trustedScope], fork: facts.fork, reason: `${facts.eventName} event from ${from}` };
  }
  const write = `ref-${sanitizeRef(facts.ref)}`;
  return { write, read: [write, trustedScope], fork: false, reason: `${facts.eventName} on ${facts.ref}, which is not trusted` };
}

/**
 * Applies a `scope` input to the plan a run on GitHub gets from its event. The event alone decides
 * which scope the run may write, because the input is easy to template from text an outside
 * contributor chooses (`${{ github.head_ref }}`). The input may only repeat that scope or name a
 * sub-scope inside it: `gpu` or `pr-7@gpu` on pull request 7 writes `pr-7@gpu`. A sub-scope reads
 * itself, then `trusted`, as every scope does; the fork flag stays the event's.
 */
export function planRequestedScope(plan: ScopePlan, requested: string): ScopePlan {
  checkScopeName(requested);
  if (requested === plan.write) return plan;
  const name = subScopeName(plan, requested);
  const write = `${plan.write}${subScopeSeparator}${name}`;
  return { write, read: [write, trustedScope], fork: plan.fork, reason: `${plan.reason}, sub-scope "${name}" from the scope input` };
}

function subScopeName(plan: ScopePlan, requested: string): string {
  const separator = requested.indexOf(subScopeSeparator);
  if (separator >= 0) {
    if (requested.slice(0, separator) === plan.write) return requested.slice(separator + 1);
    throw refusedScope(plan, requested, `it lies inside the scope "${requested.slice(0, separator)}"`);
  }
  if (requested.toLowerCase() === plan.write.toLowerCase()) {
    // A directory remote on a case-insensitive file system would take it for the scope itself.
    throw refusedScope(plan, requested, 'it differs from that only in case');
  }
  if (requested.toLowerCase() === trustedScope) {
    throw refusedScope(plan, requested, 'only push, schedule and workflow_dispatch runs on the default branch or on a ref in trusted-refs write "trusted"');
  }
  if (eventScopeLookalike.test(requested)) {
    throw refusedScope(plan, requested, 'names starting with "trusted", "pr-" or "ref-" belong to the scopes of other events, pull requests and refs');
  }
  return requested;
}

/** `requested` has passed `checkScopeName`; the reason holds the ref, which its pusher named. */
function refusedScope(plan: ScopePlan, requested: string, why: string): UsageError {
  const example = `${plan.write}${subScopeSeparator}gpu`;
  return new UsageError(
    `scope "${requested}" cannot be written by this run: on GitHub Actions the event decides the scope, and this run's (${printable(plan.reason)}) is "${plan.write}"; ${why}. ` +
      `Leave the scope empty to write "${plan.write}", or give a sub-scope name such as "gpu" to write "${example}"`,
  );
}

/**
 * Outside GitHub Actions there is no event to decide: the CLI writes `local` unless told otherwise,
 * and any valid name is taken as given. Reads own scope, then `trusted`.
 */
export function planExplicitScope(scope: string, reason: string): ScopePlan {
  checkScopeName(scope);
  const read = scope === trustedScope ? [trustedScope] : [scope, trustedScope];
  return { write: scope, read, fork: false, reason };
}

/** A scope is one path segment of the layout: a name, or a name, "@" and a sub-scope name. */
export function checkScopeName(scope: string): void {
  if (!scopePattern.test(scope)) {
    throw new UsageError(
      `scope "${scope}" is not a valid scope name: use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit; ` +
        `a sub-scope adds "${subScopeSeparator}" and a second such name (pr-7${subScopeSeparator}gpu)`,
    );
  }
}

/**
 * `feature/x` and `feature-x` are different branches and must not share a scope, so a name that
 * had to be changed carries a short hash of the full ref. Only letters, digits, ".", "_" and "-"
 * survive, which keeps `subScopeSeparator` out of every ref scope.
 */
function sanitizeRef(ref: string): string {
  const short = ref.replace(/^refs\/heads\//, '').replace(/^refs\//, '');
  const cleaned = short.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80);
  if (cleaned === short && cleaned !== '') return cleaned;
  return `${cleaned === '' ? 'ref' : cleaned}-${sha256Hex(ref).slice(0, 8)}`;
}
