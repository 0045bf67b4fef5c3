import { errorMessage, RemoteError, SourceChangedError } from '../core/errors.js';
import { type ManifestFile, type ManifestInput, type Provenance } from '../core/manifest.js';
import { manifestBytes } from '../core/manifestBytes.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type OutputSnapshot, type SnapshotFile } from '../workspace/outputSnapshot.js';
import { silentProgress, type TransferProgress } from '../core/transferProgress.js';
import { type PackSizes, type Remote, writeOrRepair } from '../remote/remote.js';
import { changedWhileSaving } from './changedWhileSaving.js';
import { blobKey, manifestKey } from './layout.js';
import { uploadPack } from './packUpload.js';
import { writeIndexEntry } from './resultIndex.js';
import { type SavedOutput } from './storedOutput.js';
import { findPreviousLocations, type StoredLocation } from './previousLocations.js';
import { defaultPacking, packsInFlight, planPacks } from './transferPlan.js';

export interface SaveRequest {
  remote: Remote;
  key: string;
  scope: string;
  /** Scopes whose earlier saves may be reused: the ones this run reads. */
  readScopes: readonly string[];
  snapshots: readonly OutputSnapshot[];
  inputs: readonly ManifestInput[];
  command: readonly string[];
  env: readonly string[];
  /** `[name, envValueDigest]` per env name, so a later miss can name a changed value without showing it; left out of the manifest when not given. */
  envSha256?: readonly (readonly [string, string | null])[];
  /** The step's declared outputs, sorted, so a later miss can say they changed; left out of the manifest when not given. */
  outputs?: readonly string[];
  extra: string;
  provenance: Provenance;
  concurrency: number;
  /** Objects found damaged: written again with the right bytes instead of being kept or reused. */
  damaged?: ReadonlySet<string>;
  progress?: TransferProgress;
}

/** One output being saved: where each of its files' bytes will be, and what was sent for it. */
interface PendingOutput {
  snapshot: OutputSnapshot;
  manifestKey: string;
  /** A manifest of this tree is there but a restore found objects damaged: this save repairs it. */
  repairing: boolean;
  locations: Map<string, StoredLocation>;
  transferredBytes: number;
}

/**
 * Saves outputs content-addressed. An output whose manifest is already there costs one request.
 * Otherwise its files go where they are not yet: files the newest earlier save already holds are
 * pointed at, large files become blobs, small ones packs. Manifests are written last: a manifest
 * is the commit point, so a save that stops half-way leaves no entry that cannot restore.
 */
export async function saveOutputs(request: SaveRequest): Promise<SavedOutput[]> {
  const { remote } = request;
  const damaged = request.damaged ?? new Set<string>();
  const progress = request.progress ?? silentProgress;
  const present = await mapConcurrently(request.snapshots, request.concurrency, (snapshot) =>
    remote.exists(manifestKey(snapshot.output, request.key, request.scope, snapshot.tree)),
  );
  const pending: PendingOutput[] = [];
  for (const [index, snapshot] of request.snapshots.entries()) {
    // An existing manifest proves its objects were all written, unless a restore found one damaged.
    if (present[index] && damaged.size === 0) continue;
    const locations = await findPreviousLocations(remote, snapshot.output, request.readScopes, damaged, request.concurrency);
    const key = manifestKey(snapshot.output, request.key, request.scope, snapshot.tree);
    pending.push({ snapshot, manifestKey: key, repairing: present[index]!, locations, transferredBytes: 0 });
  }
  const plan = planSending(pending, remote.packing ?? defaultPacking);
  progress.begin('saving', plan.bytes, plan.files);
  try {
    await uploadBlobs(request, plan, damaged, progress);
    await uploadPacks(request, plan, damaged, progress);
  } finally {
    progress.end();
  }
  const written = await mapConcurrently(pending, request.concurrency, async (output) => {
    // Repairing, the old manifest may point into a damaged pack that cannot be rebuilt byte for byte.
    return writeOrRepair(remote, output.manifestKey, { bytes: encodeManifest(request, output, plan.sent) }, output.repairing, false);
  });
  const indexProblems = await indexSaves(request, pending.filter((_, index) => written[index]));
  return request.snapshots.map((snapshot) => {
    const index = pending.findIndex((output) => output.snapshot === snapshot);
    const output = pending[index];
    return {
      output: snapshot.output,
      tree: snapshot.tree,
      files: snapshot.files.length,
      bytes: snapshot.bytes,
      transferredBytes: output?.transferredBytes ?? 0,
      manifest: remote.locate(output?.manifestKey ?? manifestKey(snapshot.output, request.key, request.scope, snapshot.tree)),
      written: written[index] ?? false,
      ...(indexProblems.has(snapshot.output) ? { indexProblem: indexProblems.get(snapshot.output) } : {}),
    };
  });
}

/**
 * Adds each new save to the index, after its manifest. The save is committed by then, so a remote
 * that refuses the entry (a bucket policy that predates the index) costs only the speed of later
 * explanations: the problem is handed back for a warning, never thrown.
 */
async function indexSaves(request: SaveRequest, saved: readonly PendingOutput[]): Promise<Map<string, string>> {
  const problems = new Map<string, string>();
  const created = Date.parse(request.provenance.created);
  await mapConcurrently(saved, request.concurrency, async ({ snapshot }) => {
    try {
      await writeIndexEntry(request.remote, { output: snapshot.output, scope: request.scope, key: request.key, tree: snapshot.tree, created });
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      problems.set(snapshot.output, errorMessage(error));
    }
  });
  return problems;
}

/** What this save sends: each file's bytes once, across outputs, unless an earlier save holds them. */
interface SendingPlan {
  blobs: { owner: PendingOutput; file: SnapshotFile }[];
  packs: { owner: PendingOutput; members: SnapshotFile[] }[];
  /** Where each sent file's bytes end up, filled in as objects are written. */
  sent: Map<string, StoredLocation>;
  bytes: number;
  files: number;
}

function planSending(pending: readonly PendingOutput[], packing: PackSizes): SendingPlan {
  const plan: SendingPlan = { blobs: [], packs: [], sent: new Map(), bytes: 0, files: 0 };
  const claimed = new Set<string>();
  for (const output of pending) {
    const small: SnapshotFile[] = [];
    for (const file of output.snapshot.files) {
      if (output.locations.has(file.sha256) || claimed.has(file.sha256)) continue;
      claimed.add(file.sha256);
      plan.bytes += file.size;
      plan.files += 1;
      if (file.size >= packing.memberLimit) plan.blobs.push({ owner: output, file });
      else small.push(file);
    }
    for (const members of planPacks(small, packing)) plan.packs.push({ owner: output, members });
  }
  return plan;
}

async function uploadBlobs(request: SaveRequest, plan: SendingPlan, damaged: ReadonlySet<string>, progress: TransferProgress): Promise<void> {
  await mapConcurrently(plan.blobs, request.concurrency, async ({ owner, file }) => {
    const key = blobKey(file.sha256);
    const source = { file: file.absolute, size: file.size, sha256: file.sha256 };
    let sent: boolean;
    try {
      sent = await writeOrRepair(request.remote, key, source, damaged.has(key));
    } catch (error) {
      if (error instanceof SourceChangedError) throw changedWhileSaving(owner.snapshot.output, file.path);
      throw error;
    }
    if (sent) owner.transferredBytes += file.size;
    plan.sent.set(file.sha256, { blob: file.sha256 });
    progress.advance(file.size, 1);
  });
}

async function uploadPacks(request: SaveRequest, plan: SendingPlan, damaged: ReadonlySet<string>, progress: TransferProgress): Promise<void> {
  // Packs are assembled in memory. The same few buffers serve every pack, so that memory is bounded
  // by the packs in flight, not by when the garbage collector gets round to the earlier ones.
  const largest = plan.packs.reduce((most, { members }) => Math.max(most, packSize(members)), 0);
  const spare: Buffer[] = [];
  await mapConcurrently(plan.packs, Math.min(packsInFlight, request.concurrency), async ({ owner, members }) => {
    const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(largest);
    try {
      const pack = await uploadPack(request.remote, owner.snapshot.output, members, damaged, buffer);
      const bytes = packSize(members);
      if (pack.written) owner.transferredBytes += bytes;
      members.forEach((member, index) => plan.sent.set(member.sha256, { pack: pack.sha256, offset: pack.offsets[index]! }));
      progress.advance(bytes, members.length);
    } finally {
      spare.push(buffer);
    }
  });
}

function packSize(members: readonly SnapshotFile[]): number {
  return members.reduce((sum, member) => sum + member.size, 0);
}

/** Each file points where an earlier save holds its bytes, or where this save sent them. */
function encodeManifest(request: SaveRequest, output: PendingOutput, sent: ReadonlyMap<string, StoredLocation>): Buffer {
  const { snapshot } = output;
  const head = {
    stoat: 1 as const,
    output: snapshot.output,
    kind: snapshot.kind,
    key: request.key,
    scope: request.scope,
    tree: snapshot.tree,
    inputs: [...request.inputs],
    command: [...request.command],
    env: [...request.env],
    extra: request.extra,
    env_sha256: request.envSha256?.map(([name, digest]): [string, string | null] => [name, digest]),
    outputs: request.outputs === undefined ? undefined : [...request.outputs],
    provenance: request.provenance,
  };
  return manifestBytes(head, snapshot.files.length, (index): ManifestFile => {
    const file = snapshot.files[index]!;
    const location = output.locations.get(file.sha256) ?? sent.get(file.sha256)!;
    return { path: file.path, size: file.size, sha256: file.sha256, mode: file.mode, ...location };
  });
}
