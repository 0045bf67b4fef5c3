import { type Manifest, type ManifestInput, type Provenance } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type OutputSnapshot } from '../core/outputSnapshot.js';
import { type Remote } from '../remote/remote.js';
import { blobKey, manifestKey } from './layout.js';

export interface SaveRequest {
  remote: Remote;
  key: string;
  scope: string;
  snapshots: readonly OutputSnapshot[];
  inputs: readonly ManifestInput[];
  command: readonly string[];
  env: readonly string[];
  extra: string;
  provenance: Provenance;
  concurrency: number;
  /** Objects found damaged: written again with the right bytes instead of being kept. */
  damaged?: ReadonlySet<string>;
}

export interface SavedOutput {
  output: string;
  tree: string;
  files: number;
  bytes: number;
  /** Bytes of objects this save wrote (not counting manifests). */
  transferredBytes: number;
  /** Where the manifest is. */
  manifest: string;
  /** False when an identical result was already saved under this key and scope. */
  written: boolean;
}

/**
 * Uploads what the remote lacks, then writes the manifests last: a manifest is the commit point,
 * so a save that stops half-way leaves objects nobody points to, never an entry that cannot restore.
 */
export async function saveOutputs(request: SaveRequest): Promise<SavedOutput[]> {
  const { remote } = request;
  const uploads = new Map<string, { file: string; size: number }>();
  for (const snapshot of request.snapshots) {
    for (const file of snapshot.files) uploads.set(file.sha256, { file: file.absolute, size: file.size });
  }
  const written = new Set<string>();
  await mapConcurrently([...uploads], request.concurrency, async ([sha256, source]) => {
    const key = blobKey(sha256);
    if (request.damaged?.has(key) === true) await remote.replace(key, source);
    else if (!(await remote.writeIfAbsent(key, source))) return;
    written.add(sha256);
  });
  return mapConcurrently(request.snapshots, request.concurrency, async (snapshot) => {
    const manifest = buildManifest(request, snapshot);
    const key = manifestKey(snapshot.output, request.key, request.scope, snapshot.tree);
    const bytes = Buffer.from(JSON.stringify(manifest));
    const wroteManifest = await remote.writeIfAbsent(key, { bytes });
    // A blob shared by two outputs counts once, for the first output that holds it.
    let transferredBytes = 0;
    for (const file of snapshot.files) {
      if (written.delete(file.sha256)) transferredBytes += file.size;
    }
    return {
      output: snapshot.output,
      tree: snapshot.tree,
      files: snapshot.files.length,
      bytes: snapshot.bytes,
      transferredBytes,
      manifest: remote.locate(key),
      written: wroteManifest,
    };
  });
}

function buildManifest(request: SaveRequest, snapshot: OutputSnapshot): Manifest {
  return {
    stoat: 1,
    output: snapshot.output,
    kind: snapshot.kind,
    key: request.key,
    scope: request.scope,
    tree: snapshot.tree,
    files: snapshot.files.map((file) => ({ path: file.path, size: file.size, sha256: file.sha256, mode: file.mode, blob: file.sha256 })),
    inputs: [...request.inputs],
    command: [...request.command],
    env: [...request.env],
    extra: request.extra,
    provenance: request.provenance,
  };
}
