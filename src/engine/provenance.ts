import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type GitHubRun, runUrl } from '../core/githubRun.js';
import { type Provenance } from '../core/manifest.js';

const run = promisify(execFile);

/**
 * Where a saved result came from: on GitHub the commit, ref, event, run, workflow, repository and
 * pull request of the run; anywhere, the commit and whether the working tree was dirty.
 */
export async function collectProvenance(workingDirectory: string, github: GitHubRun | undefined, durationMs: number | null): Promise<Provenance> {
  const commit = github?.sha ?? (await git(workingDirectory, ['rev-parse', 'HEAD']));
  const status = await git(workingDirectory, ['status', '--porcelain', '--untracked-files=no']);
  return {
    commit: commit ?? null,
    dirty: status === undefined ? null : status !== '',
    ref: (github?.ref || undefined) ?? (await git(workingDirectory, ['symbolic-ref', '-q', 'HEAD'])) ?? null,
    event: github?.eventName || null,
    run: github === undefined ? null : runUrl(github),
    workflow: github?.workflow ?? null,
    repository: github?.repository ?? null,
    pull_request: github?.pullRequestNumber ?? null,
    created: new Date().toISOString(),
    duration_ms: durationMs === null ? null : Math.round(durationMs),
  };
}

/** A git answer, or undefined where there is no git or no repository: provenance is best effort. */
async function git(workingDirectory: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', args, { cwd: workingDirectory, timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}
