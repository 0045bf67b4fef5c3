import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { FileRemote } from './fileRemote.js';
import { type Remote } from './remote.js';

export interface S3Options {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  timeoutSeconds?: number;
}

const supported = 's3://bucket/prefix, file:///absolute/path, or a directory path';
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Turns a remote URL into a backend. Relative directory paths are taken from `baseDirectory`.
 * The S3 backend, and the AWS SDK with it, is loaded only when a remote names S3: it is most of the
 * code there is to compile, which a file remote and `stoat hash` would otherwise wait for at start.
 */
export async function openRemote(url: string, baseDirectory: string, s3: S3Options = {}): Promise<Remote> {
  const text = url.trim();
  if (text === '') throw new UsageError(`the remote is empty: give ${supported}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FileRemote(isAbsolute(text) ? text : resolve(baseDirectory, text));
  // `user:secret@` before the bucket, even where the secret holds a `/` that breaks URL parsing.
  if (/^[^:]+:\/\/[^@]*:[^@]*@/.test(text)) throw credentialsError(text);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`remote "${redact(text)}" is not a valid URL: give ${supported}`);
  }
  if (parsed.username !== '' || parsed.password !== '') throw credentialsError(text);
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
    const { S3Remote } = await import('./s3Remote.js');
    return new S3Remote({ bucket, prefix: path === '' ? '' : `${path}/`, ...s3 });
  }
  throw new UsageError(`remote "${redact(text)}" uses "${scheme}://", which stoat does not support: give ${supported}`);
}

function credentialsError(text: string): UsageError {
  return new UsageError(
    `remote "${redact(text)}" has credentials in it: remove them from the URL and give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or any AWS credential source)`,
  );
}

/** Hides everything between `//` and the last `@`, so a pasted secret (which may hold `/`) never reaches a log. */
function redact(url: string): string {
  return url.replace(/\/\/.*@/, '//***@');
}
