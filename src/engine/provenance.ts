import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Provenance } from '../core/manifest.js';

const run = promisify(execFile);

/** Where a saved result came from: commit, ref, event and run on GitHub; commit and dirty state anywhere. */
export async function collectProvenance(workingDirectory: string, environment: NodeJS.ProcessEnv, durationMs: number | null): Promise<Provenance> {
  const commit = environment.GITHUB_SHA ?? (await git(workingDirectory, ['rev-parse', 'HEAD']));
  const status = await git(workingDirectory, ['status', '--porcelain', '--untracked-files=no']);
  const runUrl =
    environment.GITHUB_RUN_ID === undefined
      ? null
      : `${environment.GITHUB_SERVER_URL ?? 'https://github.com'}/${environment.GITHUB_REPOSITORY ?? ''}/actions/runs/${environment.GITHUB_RUN_ID}/attempts/${environment.GITHUB_RUN_ATTEMPT ?? '1'}`;
  return {
    commit: commit ?? null,
    dirty: status === undefined ? null : status !== '',
    ref: environment.GITHUB_REF ?? (await git(workingDirectory, ['symbolic-ref', '-q', 'HEAD'])) ?? null,
    event: environment.GITHUB_EVENT_NAME ?? null,
    run: runUrl,
    workflow: environment.GITHUB_WORKFLOW ?? null,
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
