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

/**
 * The command key, scope and tree hash named by a key listed under `outputPrefix(output)`, or
 * undefined for anything else. The match is exact, segment by segment: a key with extra segments
 * (`…/<key>/trusted/pr-1/<tree>.json`, which a policy written for `pr-*` might let an untrusted
 * job write) is no manifest of the trusted scope.
 */
export function parseManifestKey(output: string, key: string): { key: string; scope: string; tree: string } | undefined {
  const prefix = outputPrefix(output);
  if (!key.startsWith(prefix)) return undefined;
  const match = /^([0-9a-f]{64})\/([^/]+)\/([0-9a-f]{64})\.json$/.exec(key.slice(prefix.length));
  return match === null ? undefined : { key: match[1]!, scope: match[2]!, tree: match[3]! };
}

/** All manifests of one output, command key and scope. */
export function manifestPrefix(output: string, key: string, scope: string): string {
  return `${layoutRoot}/outputs/${encodeURIComponent(output)}/${key}/${scope}/`;
}

export function manifestKey(output: string, key: string, scope: string, tree: string): string {
  return `${manifestPrefix(output, key, scope)}${tree}.json`;
}

/** The tree hash named by a key listed under `manifestPrefix(output, key, scope)`: exactly `<tree>.json`. */
export function treeOfManifestKey(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  return /^([0-9a-f]{64})\.json$/.exec(key.slice(prefix.length))?.[1];
}

export function blobKey(sha256: string): string {
  return `${layoutRoot}/blobs/${sha256.slice(0, 2)}/${sha256}`;
}

export function packKey(sha256: string): string {
  return `${layoutRoot}/packs/${sha256.slice(0, 2)}/${sha256}`;
}
