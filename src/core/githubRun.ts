/**
 * What a run on GitHub Actions is, as the runner describes it (its environment and the event
 * payload, read through @actions/github's context by the faces): what decides its scope and what
 * its saves record as their provenance.
 */
export interface GitHubRun {
  eventName: string;
  ref: string;
  sha: string | undefined;
  workflow: string | undefined;
  /** `owner/name`. */
  repository: string | undefined;
  runId: number | undefined;
  runAttempt: number | undefined;
  serverUrl: string;
  defaultBranch: string | undefined;
  pullRequestNumber: number | undefined;
  /** A pull request whose head is in another repository: its code is an outsider's. */
  fork: boolean;
}

/** What the faces read from the runner, before the facts that follow from the payload are worked out. */
export interface GitHubRunSource {
  eventName: string | undefined;
  ref: string | undefined;
  sha: string | undefined;
  workflow: string | undefined;
  repository: string | undefined;
  runId: number;
  runAttempt: number;
  serverUrl: string;
  payload: Record<string, unknown>;
}

interface PullRequestPayload {
  number?: unknown;
  head?: { repo?: { fork?: boolean; full_name?: string } | null };
  base?: { repo?: { full_name?: string } };
}

export function describeGitHubRun(source: GitHubRunSource): GitHubRun {
  const pullRequest = source.payload.pull_request as PullRequestPayload | undefined;
  const headRepository = pullRequest?.head?.repo;
  // A head repository that is gone, marked a fork, or named differently from the base is a fork.
  const fork =
    pullRequest !== undefined &&
    (headRepository === null || headRepository === undefined || headRepository.fork === true || headRepository.full_name !== pullRequest.base?.repo?.full_name);
  const ref = source.ref ?? '';
  return {
    eventName: source.eventName ?? '',
    ref,
    sha: source.sha,
    workflow: source.workflow,
    repository: source.repository,
    runId: Number.isSafeInteger(source.runId) ? source.runId : undefined,
    runAttempt: Number.isSafeInteger(source.runAttempt) ? source.runAttempt : undefined,
    serverUrl: source.serverUrl,
    defaultBranch: (source.payload.repository as { default_branch?: string } | undefined)?.default_branch,
    pullRequestNumber: typeof pullRequest?.number === 'number' ? pullRequest.number : pullRequestNumberOfRef(ref),
    fork,
  };
}

/** `refs/pull/42/merge` names pull request 42 even when the event payload does not. */
function pullRequestNumberOfRef(ref: string): number | undefined {
  const match = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref);
  return match === null ? undefined : Number(match[1]);
}

/** The link to the run's attempt, as GitHub shows it. */
export function runUrl(run: GitHubRun): string | null {
  if (run.runId === undefined || run.repository === undefined) return null;
  return `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt ?? 1}`;
}
