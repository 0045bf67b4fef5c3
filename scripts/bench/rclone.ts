// rclone, the peer a user who wants a fast S3 copier picks: Debian's `rclone`, pointed at the same
// counting proxy and s3rver by environment variables alone (no config file), with the flags a short
// sweep on D2 found best for many small files (scripts/bench/rcloneSweep.ts, BENCHMARKS.md's method).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type Invocation, type Step, type StepContext, cleanEnvironment, credentials, region } from './tools.js';

export interface Rclone {
  path: string;
  version: string;
}

/**
 * The flags every run of rclone is given, chosen by the sweep: many transfers and checkers (each
 * small file is a request, so parallelism is the lever), one recursive listing instead of one per
 * directory, "present" judged by size and MD5 against the listing's ETags (rclone's default reads
 * each object's modification time from its metadata, a HEAD per file; size alone would miss a file
 * rewritten at the same size), no HEAD after each upload and no bucket check.
 */
export const rcloneFlags: readonly string[] = ['--transfers', '32', '--checkers', '32', '--fast-list', '--checksum', '--s3-no-head', '--s3-no-check-bucket'];

/** The same flags on the 1 GiB file: several parts in flight for the multipart upload and download. */
export const rcloneLargeFileFlags: readonly string[] = ['--s3-upload-concurrency', '8', '--s3-chunk-size', '16M', '--multi-thread-streams', '8'];

export function findRclone(): Rclone | null {
  const path = spawnSync('sh', ['-c', 'command -v rclone'], { encoding: 'utf8' }).stdout.trim();
  if (path === '') return null;
  const answer = spawnSync(path, ['version'], { encoding: 'utf8', env: rcloneEnvironment('/nonexistent', '') });
  return answer.status === 0 ? { path, version: answer.stdout.split('\n')[0]!.trim() } : null;
}

/**
 * The S3 remote by environment alone (`:s3:` on the command line takes its options from
 * RCLONE_S3_*), no config file. AWS_CA_BUNDLE is left out with every AWS_ variable: rclone refuses to
 * start with it set on a plain-HTTP endpoint.
 */
export function rcloneEnvironment(benchDirectory: string, endpoint: string): NodeJS.ProcessEnv {
  return {
    ...cleanEnvironment(),
    RCLONE_CONFIG: join(benchDirectory, 'no-rclone-config'),
    RCLONE_S3_PROVIDER: 'Other',
    RCLONE_S3_ENDPOINT: endpoint,
    RCLONE_S3_ACCESS_KEY_ID: credentials.AWS_ACCESS_KEY_ID,
    RCLONE_S3_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY,
    RCLONE_S3_REGION: region,
    RCLONE_S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * `rclone copy` both ways (never `sync`, which would delete): the dataset's directory to the run's
 * prefix and back. Unchanged files are skipped by rclone's own check, as aws s3 sync skips them.
 */
export function rcloneInvocation(rclone: Rclone, step: Step, context: StepContext, flags: readonly string[] = rcloneFlags): Invocation {
  const { dataset } = context;
  const remote = `:s3:${context.bucket}/${context.prefix}/${dataset.spec.name}`;
  const local = (root: string): string => join(root, dataset.spec.name);
  const large = dataset.spec.filesPerDirectory === 0 ? rcloneLargeFileFlags : [];
  let from: string;
  let to: string;
  switch (step) {
    case 'cold-save':
    case 'save-unchanged':
      [from, to] = [local(dataset.root), remote];
      break;
    case 'save-changed':
      [from, to] = [local(context.changedRoot), remote];
      break;
    case 'restore-empty':
    case 'restore-present':
      [from, to] = [remote, local(context.restoreRoot)];
      break;
  }
  return { argv: [rclone.path, 'copy', from, to, '--quiet', ...flags, ...large], cwd: dataset.root };
}
