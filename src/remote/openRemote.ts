import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { FileRemote } from './fileRemote.js';
import { cacheServiceProblem } from './gha/cacheService.js';
import { type KeyNaming } from './keyNaming.js';
import { ghaAdvice, mistypedRemote } from './mistypedRemote.js';
import { type Remote } from './remote.js';
import { type S3Options } from './s3/s3Options.js';

const supported = 's3://bucket/prefix, file:///absolute/path, gha (the GitHub Actions cache), or a directory path';
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Turns a remote URL into a backend. Relative directory paths are taken from `baseDirectory`.
 * The S3 backend, and the AWS SDK with it, is loaded only when a remote names S3: it is most of the
 * code there is to compile, which a file remote and `stoat hash` would otherwise wait for at start.
 * The GitHub Actions cache backend is loaded only for `gha`, and is handed the layout's naming of
 * keys for a store of short, case-blind keys (`actionsCacheKeys` of store/layout.ts).
 */
export async function openRemote(url: string, baseDirectory: string, s3: S3Options = {}, actionsCacheKeys?: KeyNaming): Promise<Remote> {
  const text = url.trim();
  if (text === '') throw new UsageError(`the remote is empty: give ${supported}`);
  if (s3.endpoint !== undefined) refuseEndpointCredentials(s3.endpoint.trim());
  if (text.toLowerCase() === 'gha') return openActionsCache(actionsCacheKeys);
  if (credentialsPattern.test(text)) throw credentialsError('remote', text);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FileRemote(directoryPath(text, baseDirectory));
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`remote "${redact(text)}" is not a valid URL: give ${supported}`);
  }
  if (parsed.username !== '' || parsed.password !== '') throw credentialsError('remote', text);
  if (scheme === 'file') {
    if (parsed.host !== '') throw new UsageError(`remote "${text}" names host "${parsed.host}": a file URL must be file:///absolute/path`);
    return new FileRemote(fileURLToPath(parsed));
  }
  if (scheme === 's3') {
    const bucket = parsed.hostname;
    if (!bucketPattern.test(bucket)) {
      throw new UsageError(`remote "${text}" names bucket "${bucket}", which is not a valid S3 bucket name: give s3://bucket/prefix`);
    }
    let path: string;
    try {
      path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '').replace(/\/+$/, '');
    } catch {
      throw new UsageError(`remote "${text}" has a malformed %-escape in its prefix: write the prefix as plain text`);
    }
    const { S3Remote } = await import('./s3/s3Remote.js');
    return new S3Remote(bucket, path === '' ? '' : `${path}/`, s3);
  }
  if (scheme === 'gha') throw new UsageError(`remote "${redact(text)}": ${ghaAdvice}`);
  throw new UsageError(`remote "${redact(text)}" uses "${scheme}://", which stoat does not support: give ${supported}`);
}

/**
 * The GitHub Actions cache, which only a job on GitHub Actions can reach: the runner gives the
 * variables that lead to it to the processes of actions, and a `run:` step has them only once a
 * stoat step with `export-runtime: true` has passed them on.
 */
async function openActionsCache(naming: KeyNaming | undefined): Promise<Remote> {
  const problem = cacheServiceProblem(process.env);
  if (problem !== undefined) {
    throw new UsageError(
      `remote "gha": the GitHub Actions cache can be reached only from a job on GitHub Actions, and here ${problem}. ` +
        'The runner gives these variables to actions, not to run: steps; in a script, run stoat after a stoat step with export-runtime: true, or give another remote',
    );
  }
  if (naming === undefined) throw new Error('the GitHub Actions cache remote was opened without the layout\'s naming of its keys');
  const { GhaRemote } = await import('./gha/ghaRemote.js');
  return new GhaRemote(naming);
}

/** A path, unless it is a mistyped URL or an unexpanded `~` that would quietly become a folder here. */
function directoryPath(text: string, baseDirectory: string): string {
  const mistake = mistypedRemote(text);
  if (mistake !== undefined) throw new UsageError(mistake);
  return isAbsolute(text) ? text : resolve(baseDirectory, text);
}

/**
 * `user:secret@` after a scheme (`s3://`, or a mistyped `s3:/`, `s3//`), even where the secret
 * holds a `/` that breaks URL parsing.
 */
const credentialsPattern = /^[A-Za-z][A-Za-z0-9+.-]*(?::\/*|\/\/+)[^@]*:[^@]*@/;

/** The endpoint is refused on the same terms as the remote: a secret in a URL ends up in logs and workflow files. */
function refuseEndpointCredentials(endpoint: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(endpoint);
  } catch {
    parsed = undefined;
  }
  if (credentialsPattern.test(endpoint) || (parsed !== undefined && (parsed.username !== '' || parsed.password !== ''))) {
    throw credentialsError('the S3 endpoint', endpoint);
  }
}

function credentialsError(what: string, text: string): UsageError {
  return new UsageError(
    `${what} "${redact(text)}" has credentials in it: remove them from the URL and give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or any AWS credential source)`,
  );
}

/**
 * Hides everything between the scheme and the last `@`, so a pasted secret (which may hold `/`)
 * never reaches a log.
 */
function redact(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*(?::\/*|\/\/+))[\s\S]*@/, '$1***@');
}
