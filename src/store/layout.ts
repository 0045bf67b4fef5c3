/**
 * The remote layout, version 1: the only place that decides which key holds what.
 *
 *   stoat/v1/
 *   ├── outputs/<encodeURIComponent(output path)>/<command key>/<scope>/<tree hash>.json   manifests
 *   ├── blobs/<sha256[0..2]>/<sha256>                                                       one file's bytes
 *   └── packs/<sha256[0..2]>/<sha256>                                                       small files, concatenated
 *
 * Changing any of this changes what existing remotes mean: it needs `stoat/v2/`.
 */
export const layoutRoot = 'stoat/v1';

/** All manifests of one output, under every key: listed to find what a new save can reuse. */
export function outputPrefix(output: string): string {
  return `${layoutRoot}/outputs/${encodeURIComponent(output)}/`;
}

/** The command key, scope and tree hash a manifest key names, or undefined for another key. */
export function parseManifestKey(key: string): { key: string; scope: string; tree: string } | undefined {
  const match = /\/([0-9a-f]{64})\/([^/]+)\/([0-9a-f]{64})\.json$/.exec(key);
  return match === null ? undefined : { key: match[1]!, scope: match[2]!, tree: match[3]! };
}

/** All manifests of one output, command key and scope. */
export function manifestPrefix(output: string, key: string, scope: string): string {
  return `${layoutRoot}/outputs/${encodeURIComponent(output)}/${key}/${scope}/`;
}

export function manifestKey(output: string, key: string, scope: string, tree: string): string {
  return `${manifestPrefix(output, key, scope)}${tree}.json`;
}

/** The tree hash a manifest key names, or undefined for a key that is not a manifest. */
export function treeOfManifestKey(key: string): string | undefined {
  return /\/([0-9a-f]{64})\.json$/.exec(key)?.[1];
}

export function blobKey(sha256: string): string {
  return `${layoutRoot}/blobs/${sha256.slice(0, 2)}/${sha256}`;
}

export function packKey(sha256: string): string {
  return `${layoutRoot}/packs/${sha256.slice(0, 2)}/${sha256}`;
}
