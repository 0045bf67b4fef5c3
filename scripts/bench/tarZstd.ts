// The method of GitHub's own cache action (actions/cache): the whole tree as one tar stream,
// compressed by `zstd -T0` (all cores) at its fastest level, moved as one object, here by the AWS
// CLI streaming from and to standard input and output. A run of it is a bash pipeline, so GNU time
// gives its CPU summed over the pipeline and the peak RSS of its largest process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type AwsCli, type Invocation, type Step, type StepContext } from './tools.js';

/** What the method needs besides the AWS CLI, or why it cannot run here. */
export function findTarZstd(): { version: string } | { missing: string } {
  for (const tool of ['tar', 'zstd', 'bash']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return { missing: tool };
  }
  const zstdBanner = spawnSync('zstd', ['--version'], { encoding: 'utf8' }).stdout;
  const zstd = `zstd ${/v\d+(?:\.\d+)+/.exec(zstdBanner)?.[0] ?? zstdBanner.trim()}`;
  const tar = spawnSync('tar', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim();
  return { version: `${tar}; ${zstd}` };
}

const quote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * One pipeline per step. actions/cache cannot tell a present file from a missing one: a restore
 * always downloads and extracts the whole archive. Its save is skipped when the key is already
 * stored ("Cache hit occurred on the primary key, not saving cache"), so "save, nothing changed" is
 * that check alone; any change means a new key, and the whole tree archived and sent again.
 */
export function tarZstdInvocation(aws: AwsCli, step: Step, context: StepContext): Invocation {
  const { dataset } = context;
  const object = (key: string): string => quote(`s3://${context.bucket}/${context.prefix}/${key}.tar.zst`);
  const endpoint = `--endpoint-url ${quote(context.proxyUrl)}`;
  const cli = quote(aws.path);
  const save = (root: string, key: string): string => `tar -C ${quote(root)} -cf - ${quote(dataset.spec.name)} | zstd -T0 -1 -q | ${cli} s3 cp - ${object(key)} ${endpoint} --only-show-errors`;
  let script: string;
  switch (step) {
    case 'cold-save':
      script = save(dataset.root, 'cache');
      break;
    case 'save-changed':
      script = save(context.changedRoot, 'cache-changed');
      break;
    case 'save-unchanged':
      script = `${cli} s3api head-object --bucket ${quote(context.bucket)} --key ${quote(`${context.prefix}/cache.tar.zst`)} ${endpoint} > /dev/null`;
      break;
    case 'restore-empty':
    case 'restore-present':
      script = `${cli} s3 cp ${object('cache')} - ${endpoint} --only-show-errors | zstd -d -q | tar -C ${quote(context.restoreRoot)} -xf -`;
      break;
  }
  return { argv: ['bash', '-c', `set -euo pipefail; ${script}`], cwd: join(dataset.root) };
}
