// The one-object limit: the dataset's bytes as one tar file, made once outside the timing, moved by
// `curl` as a single PUT and a single GET through the same proxy to the same s3rver. No client does
// less per byte, so it is the floor a transfer of the same data can approach. s3rver takes unsigned
// requests (it checks a signature only when one is sent), so curl sends none and pays for no hashing.
import { spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Dataset, runQuietly } from './datasets.js';
import { type Invocation, type Step, type StepContext } from './tools.js';

export const oneObjectName = 'one-object.tar';

export function findCurl(): { path: string; version: string } | null {
  const path = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
  if (path === '') return null;
  // `curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 …`: the name and version are enough.
  return { path, version: spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 2).join(' ') };
}

/** Writes `<directory>/<dataset>.tar` (tar of the dataset's directory) and returns its path. */
export async function makeOneObject(dataset: Dataset, directory: string): Promise<string> {
  const path = join(directory, `${dataset.spec.name}.tar`);
  await runQuietly('tar', ['-C', dataset.root, '-cf', path, dataset.spec.name]);
  return path;
}

/** Only the two cold cases: with one object there is nothing to find present or unchanged. */
export const oneObjectSteps: ReadonlySet<Step> = new Set(['cold-save', 'restore-empty']);

export function oneObjectInvocation(curl: string, step: Step, context: StepContext, tarPath: string): Invocation {
  const url = `${context.proxyUrl}/${context.bucket}/${context.prefix}/${oneObjectName}`;
  // No `Expect: 100-continue` round trip before the body: the other clients do not wait for one either.
  const common = [curl, '--silent', '--show-error', '--fail', '-H', 'Expect:'];
  if (step === 'cold-save') return { argv: [...common, '--upload-file', tarPath, url], cwd: context.dataset.root };
  if (step === 'restore-empty') return { argv: [...common, '--output', join(context.restoreRoot, oneObjectName), url], cwd: context.restoreRoot };
  throw new Error(`the one-object limit has no ${step} case`);
}

/** What a restore of the one object must have produced: the whole tar, byte for byte in size. */
export async function checkOneObject(context: StepContext, tarPath: string): Promise<string[]> {
  const expected = (await stat(tarPath)).size;
  const got = await stat(join(context.restoreRoot, oneObjectName)).then((info) => info.size, () => -1);
  return got === expected ? [] : [`${oneObjectName} is ${got < 0 ? 'missing' : `${got} bytes`}, not ${expected}`];
}
