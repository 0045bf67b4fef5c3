import { homedir } from 'node:os';

/** The GitHub Actions cache is one store per repository: its remote names nothing more. */
export const ghaAdvice = 'the GitHub Actions cache remote is written gha, with nothing after it';

/** Names of stores that, followed by "//" instead of "://", are a URL with its ":" left out, not a folder. */
const storeNames = new Set(['s3', 'file', 'gha', 'gs', 'http', 'https']);

/**
 * Why a remote that is no URL (it has no "://") and not `gha` is not the directory path it would
 * otherwise be taken for, or undefined when it is one. A URL with its "://" mistyped (`s3:/bucket`,
 * `S3:bucket`, `s3//bucket`, `gha:`), or a `~` that no shell expanded would each silently become a
 * folder in the working directory, and the results would go there. `./` in front keeps any of them
 * a directory.
 */
export function mistypedRemote(text: string): string | undefined {
  const asDirectory = `(or ./${text} if you mean a directory of that name)`;
  const home = /^~([^/]*)(.*)$/s.exec(text);
  if (home !== null) {
    const full = home[1] === '' ? `: write the full path, ${homedir()}${home[2]}` : ': write the full path';
    return `remote "${text}" starts with "~", which stoat does not expand (a shell does, only where it is unquoted)${full} ${asDirectory}`;
  }
  // One letter and a colon is a drive (C:\cache), not a scheme.
  const colon = /^([A-Za-z][A-Za-z0-9+.-]+):\/*(.*)$/s.exec(text);
  if (colon !== null) return `remote "${text}" was read as a URL of scheme "${colon[1]}" without "//": ${advice(colon[1]!, colon[2]!)} ${asDirectory}`;
  const slashes = /^([A-Za-z][A-Za-z0-9+.-]*)\/\/+(.*)$/s.exec(text);
  if (slashes !== null && storeNames.has(slashes[1]!.toLowerCase())) {
    return `remote "${text}" was read as a URL of scheme "${slashes[1]}" without its ":": ${advice(slashes[1]!, slashes[2]!)} ${asDirectory}`;
  }
  return undefined;
}

function advice(scheme: string, rest: string): string {
  const name = scheme.toLowerCase();
  if (name === 's3') return `write s3://${rest === '' ? 'bucket/prefix' : rest}`;
  if (name === 'file') return `write file:///${rest === '' ? 'absolute/path' : rest}`;
  if (name === 'gha') return ghaAdvice;
  return `stoat does not support "${name}://": give s3://bucket/prefix, file:///absolute/path or a directory`;
}
