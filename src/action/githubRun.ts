import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { describeGitHubRun, type GitHubRun } from '../core/githubRun.js';

/**
 * The run on GitHub Actions this process is part of, read through @actions/github's context, or
 * undefined outside GitHub Actions. @actions/github is loaded only here, when there is a run to
 * read: the CLI on a laptop never loads it.
 */
export async function readGitHubRun(): Promise<GitHubRun | undefined> {
  // The context reads this process's environment, so whether there is a run is read there too.
  const environment = process.env;
  if (environment.GITHUB_ACTIONS !== 'true') return undefined;
  checkEventPayload(environment.GITHUB_EVENT_PATH);
  const { context } = await import('@actions/github');
  // The context reads the environment when it is made: a fresh one sees the environment as it is now.
  const current = new (context.constructor as new () => typeof context)();
  return describeGitHubRun({
    eventName: current.eventName,
    ref: current.ref,
    sha: current.sha,
    workflow: current.workflow,
    repository: environment.GITHUB_REPOSITORY || repositoryOfPayload(current.payload),
    runId: current.runId,
    runAttempt: current.runAttempt,
    serverUrl: current.serverUrl,
    payload: current.payload,
  });
}

/**
 * The context takes a missing payload for an empty one (and says so on standard output, where the
 * runner would read it as a log line): an unreadable payload is a broken runner, said as such.
 */
function checkEventPayload(path: string | undefined): void {
  if (path === undefined || path === '') return;
  try {
    JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`the GitHub event payload ${path} (GITHUB_EVENT_PATH) cannot be read: ${(error as Error).message}`);
  }
}

function repositoryOfPayload(payload: Record<string, unknown>): string | undefined {
  const name = (payload.repository as { full_name?: unknown } | undefined)?.full_name;
  return typeof name === 'string' ? name : undefined;
}
