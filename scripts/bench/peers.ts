// The tools stoat is measured against, found on the machine, and each one's command line for a
// step. A peer that is not installed is skipped with a line saying so: a run measures what it can.
import { join } from 'node:path';
import { checkOneObject, findCurl, oneObjectInvocation, oneObjectSteps } from './oneObject.js';
import { findRclone, type Rclone, rcloneEnvironment, rcloneInvocation } from './rclone.js';
import { findTarZstd, tarZstdInvocation } from './tarZstd.js';
import { type AwsCli, awsEnvironment, awsInvocation, findAwsCli, type Invocation, type Step, type StepContext, stoatEnvironment, stoatInvocation, type Tool } from './tools.js';

export interface Peers {
  aws: AwsCli | null;
  rclone: Rclone | null;
  /** tar and zstd (the AWS CLI moves the object): their versions, or null when any is missing. */
  tarZstd: string | null;
  curl: string | null;
  /** One line per tool: its version, or why it is not measured. */
  lines: string[];
}

export function findPeers(): Peers {
  const aws = findAwsCli();
  const rclone = findRclone();
  const tarZstd = findTarZstd();
  const curl = findCurl();
  const tarZstdMissing = aws === null ? 'the AWS CLI' : 'missing' in tarZstd ? tarZstd.missing : null;
  return {
    aws, rclone, curl: curl?.path ?? null,
    tarZstd: tarZstdMissing === null && 'version' in tarZstd ? tarZstd.version : null,
    lines: [
      `AWS CLI: ${aws === null ? 'not installed: not measured' : `${aws.version} (${aws.path})`}`,
      `rclone: ${rclone === null ? 'not installed: not measured (apt-get install -y rclone)' : `${rclone.version} (${rclone.path})`}`,
      `tar+zstd (actions/cache's method): ${tarZstdMissing === null && 'version' in tarZstd ? tarZstd.version : `${tarZstdMissing} not installed: not measured`}`,
      `one-object limit: ${curl === null ? 'curl not installed: not measured' : curl.version}`,
    ],
  };
}

export function isInstalled(peers: Peers, tool: Tool): boolean {
  switch (tool) {
    case 'stoat':
      return true;
    case 'aws':
      return peers.aws !== null;
    case 'rclone':
      return peers.rclone !== null;
    case 'tarzstd':
      return peers.tarZstd !== null;
    case 'limit':
      return peers.curl !== null;
  }
}

/** The steps of a plan a tool has a case for. */
export function stepsOf(tool: Tool, steps: readonly Step[]): Step[] {
  return tool === 'limit' ? steps.filter((step) => oneObjectSteps.has(step)) : [...steps];
}

export interface ToolCommandContext {
  stoatCli: string;
  benchDirectory: string;
  peers: Peers;
  /** The dataset's tar, for the one-object limit. */
  oneObjectTar: string | null;
}

/**
 * The command and environment of one step. stoat gets a hash cache of its own under the run's
 * directory, so every run starts as cold as the first and its repeat steps use what its earlier
 * steps remembered.
 */
export function toolCommand(tool: Tool, step: Step, stepContext: StepContext, context: ToolCommandContext, sequenceDirectory: string): Invocation & { env: NodeJS.ProcessEnv } {
  const { peers } = context;
  switch (tool) {
    case 'stoat':
      return { ...stoatInvocation(context.stoatCli, step, stepContext), env: { ...stoatEnvironment(), XDG_CACHE_HOME: join(sequenceDirectory, 'cache') } };
    case 'aws':
      return { ...awsInvocation(peers.aws!, step, stepContext), env: awsEnvironment(context.benchDirectory) };
    case 'rclone':
      return { ...rcloneInvocation(peers.rclone!, step, stepContext), env: rcloneEnvironment(context.benchDirectory, stepContext.proxyUrl) };
    case 'tarzstd':
      return { ...tarZstdInvocation(peers.aws!, step, stepContext), env: awsEnvironment(context.benchDirectory) };
    case 'limit':
      return { ...oneObjectInvocation(peers.curl!, step, stepContext, context.oneObjectTar!), env: stoatEnvironment() };
  }
}

/** For the limit's restore: the tar's size instead of a tree (it restores one file, not the tree). */
export function checkOneObjectRestore(stepContext: StepContext, context: ToolCommandContext): Promise<string[]> {
  return checkOneObject(stepContext, context.oneObjectTar!);
}
