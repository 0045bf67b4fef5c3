// The clients under comparison, as command lines: stoat (the built CLI, run as a user runs it)
// and the AWS CLI, all pointed at the counting proxy in front of the same s3rver. The other peers
// (rclone, actions/cache's tar+zstd, the one-object limit) have files of their own; peers.ts holds them together.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Dataset } from './datasets.js';

export type Tool = 'stoat' | 'aws' | 'rclone' | 'tarzstd' | 'limit';

/** Every tool, in the order the tables show them. */
export const allTools: readonly Tool[] = ['stoat', 'aws', 'rclone', 'tarzstd', 'limit'];

export const toolTitles: Record<Tool, string> = { stoat: 'stoat', aws: 'aws', rclone: 'rclone', tarzstd: 'tar+zstd', limit: 'one-object limit' };

/** The cases of one dataset, in the order a run performs them. */
export type Step = 'cold-save' | 'restore-empty' | 'restore-present' | 'save-unchanged' | 'save-changed';

export const stepTitles: Record<Step, string> = {
  'cold-save': 'cold save',
  'restore-empty': 'restore into empty dir',
  'restore-present': 'restore, all present',
  'save-unchanged': 'save, nothing changed',
  'save-changed': 'save, 1% of files changed',
};

export const credentials = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;
export const region = 'us-east-1';

export interface AwsCli {
  path: string;
  version: string;
}

/** Debian's awscli (v2) when installed, the peer DESIGN.md names; else whatever `aws` is on PATH. */
export function findAwsCli(): AwsCli | null {
  const candidates = ['/usr/bin/aws'];
  const onPath = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();
  if (onPath !== '') candidates.push(onPath);
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const answer = spawnSync(path, ['--version'], { encoding: 'utf8', env: { ...process.env, AWS_PAGER: '' } });
    if (answer.status === 0) return { path, version: `${answer.stdout}${answer.stderr}`.trim() };
  }
  return null;
}

/** The environment without anything that could point a client elsewhere or change its behaviour. */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AWS_|GITHUB_|RUNNER_|STOAT_|NODE_OPTIONS$|NODE_TEST_CONTEXT$)/.test(name)) continue;
    environment[name] = value;
  }
  return environment;
}

export function stoatEnvironment(): NodeJS.ProcessEnv {
  return { ...cleanEnvironment(), ...credentials, AWS_REGION: region };
}

/**
 * No config or credentials files, so aws runs with its defaults (max_concurrent_requests 10,
 * multipart_threshold and multipart_chunksize 8 MiB, the classic transfer client) whatever the
 * machine's ~/.aws says; no instance-metadata probe either.
 */
export function awsEnvironment(benchDirectory: string): NodeJS.ProcessEnv {
  const none = join(benchDirectory, 'no-aws-config');
  return {
    ...cleanEnvironment(),
    ...credentials,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: none,
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export interface StepContext {
  dataset: Dataset;
  bucket: string;
  /** Fresh for each run of each tool, so a cold save is cold. */
  prefix: string;
  runId: string;
  proxyUrl: string;
  /** An empty directory for the first restore; the second restore runs into it again. */
  restoreRoot: string;
  /** The dataset with 1% of its files rewritten (for `save-changed` only). */
  changedRoot: string;
}

export interface Invocation {
  argv: string[];
  cwd: string;
}

export function stoatInvocation(stoatCli: string, step: Step, context: StepContext): Invocation {
  const { dataset } = context;
  const isSave = step === 'cold-save' || step === 'save-unchanged' || step === 'save-changed';
  // The changed save is a different command: a new key, saved into the same remote, where the
  // unchanged files' content is already present.
  const command = `bench ${dataset.spec.name} ${context.runId}${step === 'save-changed' ? ' changed' : ''}`;
  const workingDirectory = step === 'save-changed' ? context.changedRoot : isSave ? dataset.root : context.restoreRoot;
  const argv = [
    process.execPath, stoatCli, isSave ? 'save' : 'restore',
    '--command', command,
    '--outputs', dataset.output,
    '--working-directory', workingDirectory,
    '--remote', `s3://${context.bucket}/${context.prefix}`,
    '--s3-endpoint', context.proxyUrl,
    '--json',
  ];
  return { argv, cwd: workingDirectory };
}

/**
 * `aws s3 cp` for the single-file dataset's first save and restore (what a user would type for one
 * file), `aws s3 sync` for everything else: cp has no notion of "already there", so the repeat
 * cases use sync over the file's directory.
 */
export function awsInvocation(aws: AwsCli, step: Step, context: StepContext): Invocation {
  const { dataset } = context;
  const single = dataset.spec.filesPerDirectory === 0;
  const remote = `s3://${context.bucket}/${context.prefix}/`;
  const name = dataset.spec.name;
  const common = ['--endpoint-url', context.proxyUrl, '--only-show-errors'];
  const local = (root: string): string => join(root, name);
  let args: string[];
  switch (step) {
    case 'cold-save':
      args = single ? ['cp', join(dataset.root, dataset.output), `${remote}data.bin`] : ['sync', local(dataset.root), remote];
      break;
    case 'restore-empty':
      args = single ? ['cp', `${remote}data.bin`, join(context.restoreRoot, dataset.output)] : ['sync', remote, local(context.restoreRoot)];
      break;
    case 'restore-present':
      args = ['sync', remote, local(context.restoreRoot)];
      break;
    case 'save-unchanged':
      args = ['sync', local(dataset.root), remote];
      break;
    case 'save-changed':
      args = ['sync', local(context.changedRoot), remote];
      break;
  }
  return { argv: [aws.path, 's3', ...args, ...common], cwd: dataset.root };
}
