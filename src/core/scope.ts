import { UsageError } from './errors.js';
import { sha256Hex } from './fileHash.js';

export const trustedScope = 'trusted';

/** Which scope a run writes and which it reads, and why. */
export interface ScopePlan {
  write: string;
  /** Own scope first, then `trusted`. */
  read: string[];
  /** True for a pull request from a fork: `save: auto` saves nothing there. */
  fork: boolean;
  reason: string;
}

/** What decides the scope of a run on GitHub, read from its environment and event payload. */
export interface GitHubRunFacts {
  eventName: string;
  ref: string;
  defaultBranch: string | undefined;
  pullRequestNumber: number | undefined;
  fork: boolean;
  trustedRefs: readonly string[];
}

const trustedEvents = new Set(['push', 'schedule', 'workflow_dispatch']);
const scopePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

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

/** The CLI writes `local` unless told otherwise, and reads its own scope then `trusted`. */
export function planExplicitScope(scope: string, reason: string): ScopePlan {
  checkScopeName(scope);
  const read = scope === trustedScope ? [trustedScope] : [scope, trustedScope];
  return { write: scope, read, fork: false, reason };
}

export function checkScopeName(scope: string): void {
  if (!scopePattern.test(scope)) {
    throw new UsageError(`scope "${scope}" is not a valid scope name: use letters, digits, ".", "_" and "-" (at most 100), starting with a letter or digit`);
  }
}

/**
 * `feature/x` and `feature-x` are different branches and must not share a scope, so a name that
 * had to be changed carries a short hash of the full ref.
 */
function sanitizeRef(ref: string): string {
  const short = ref.replace(/^refs\/heads\//, '').replace(/^refs\//, '');
  const cleaned = short.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80);
  if (cleaned === short && cleaned !== '') return cleaned;
  return `${cleaned === '' ? 'ref' : cleaned}-${sha256Hex(ref).slice(0, 8)}`;
}
