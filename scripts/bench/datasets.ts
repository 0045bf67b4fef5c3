// The benchmark datasets of DESIGN.md ("Benchmark datasets"), generated deterministically so numbers
// compare over time, and cached under .bench/datasets/ (git-ignored) so a run generates them once.
// Bytes come from AES-128-CTR over zeros with a key derived from a fixed label: as random as needed
// to defeat compression and deduplication, the same on every machine, and generated at GB/s.
import { spawn } from 'node:child_process';
import { type Cipher, createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type DatasetName = 'd1' | 'd2' | 'd3';

export interface DatasetSpec {
  name: DatasetName;
  files: number;
  /** 0 for the single-file dataset, which lives at `<name>/data.bin`. */
  filesPerDirectory: number;
  minSize: number;
  maxSize: number;
}

export interface FileEntry {
  /** Relative to the dataset root, with `/`: e.g. `d2/dir-03/file-01517.bin`. */
  path: string;
  size: number;
  sha256: string;
}

export interface Dataset {
  spec: DatasetSpec;
  /** The directory that holds `<name>/`: the working directory a save runs in. */
  root: string;
  /** What stoat declares as its output: `d1/data.bin`, `d2`, `d3`. */
  output: string;
  entries: FileEntry[];
  totalBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export function datasetSpecs(quick: boolean): DatasetSpec[] {
  // The quick sizes keep a quick run under 2 minutes on 2 cores even for an engine that makes one
  // request per file (s3rver spends several ms of CPU on each), and aws's per-file cost is that anyway.
  const d2Files = quick ? 200 : 10_000;
  const d3Files = quick ? 1_000 : 100_000;
  return [
    { name: 'd1', files: 1, filesPerDirectory: 0, minSize: quick ? 32 * MiB : GiB, maxSize: quick ? 32 * MiB : GiB },
    // 20 directories, as DESIGN.md's D2 (20 of 500); the quick set keeps the 20 with fewer in each.
    { name: 'd2', files: d2Files, filesPerDirectory: d2Files / 20, minSize: 4 * KiB, maxSize: 64 * KiB },
    { name: 'd3', files: d3Files, filesPerDirectory: 500, minSize: KiB, maxSize: KiB },
  ];
}

export function describeSpec(spec: DatasetSpec): string {
  const size = spec.minSize === spec.maxSize ? formatSize(spec.minSize) : `${formatSize(spec.minSize)}–${formatSize(spec.maxSize)}`;
  if (spec.filesPerDirectory === 0) return `one file of ${size}`;
  return `${spec.files.toLocaleString('en-US')} files of ${size} in ${spec.files / spec.filesPerDirectory} directories`;
}

function formatSize(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  return `${bytes / KiB} KiB`;
}

/** A deterministic byte stream: AES-128-CTR over zeros, keyed by `label`. */
export function randomBytesStream(label: string): Cipher {
  const key = createHash('sha256').update(`stoat-bench/${label}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
}

/** A deterministic number generator in [0, 1) (mulberry32), for sizes and choices. */
export function seededRandom(label: string): () => number {
  let state = createHash('sha256').update(`stoat-bench/${label}`).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function filePath(spec: DatasetSpec, index: number): string {
  if (spec.filesPerDirectory === 0) return `${spec.name}/data.bin`;
  const directory = String(Math.floor(index / spec.filesPerDirectory)).padStart(3, '0');
  return `${spec.name}/dir-${directory}/file-${String(index).padStart(6, '0')}.bin`;
}

interface Stamp {
  spec: DatasetSpec;
  entries: [string, number, string][];
}

/** Loads a dataset from its cache, generating it first when its stamp is missing or differs. */
export async function loadDataset(spec: DatasetSpec, root: string, log: (line: string) => void): Promise<Dataset> {
  const stampPath = join(root, `${spec.name}.json`);
  let entries: FileEntry[] | null = null;
  if (existsSync(stampPath)) {
    const stamp = JSON.parse(await readFile(stampPath, 'utf8')) as Stamp;
    if (JSON.stringify(stamp.spec) === JSON.stringify(spec)) entries = stamp.entries.map(([path, size, sha256]) => ({ path, size, sha256 }));
  }
  if (entries === null) {
    const started = performance.now();
    await rm(stampPath, { force: true });
    entries = spec.filesPerDirectory === 0 ? await generateSingleFile(spec, root) : await generateFiles(spec, root);
    // The stamp is written last: a generation cut short leaves no stamp and is redone.
    const stamp: Stamp = { spec, entries: entries.map((entry) => [entry.path, entry.size, entry.sha256]) };
    await writeFile(stampPath, JSON.stringify(stamp));
    log(`generated ${spec.name} (${describeSpec(spec)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const output = spec.filesPerDirectory === 0 ? `${spec.name}/data.bin` : spec.name;
  return { spec, root, output, entries, totalBytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
}

async function generateSingleFile(spec: DatasetSpec, root: string): Promise<FileEntry[]> {
  const path = filePath(spec, 0);
  await rm(join(root, spec.name), { recursive: true, force: true });
  await mkdir(dirname(join(root, path)), { recursive: true });
  const stream = randomBytesStream(spec.name);
  const hash = createHash('sha256');
  const zeros = Buffer.alloc(8 * MiB);
  const handle = await open(join(root, path), 'w');
  try {
    for (let written = 0; written < spec.minSize; ) {
      const length = Math.min(zeros.length, spec.minSize - written);
      const bytes = stream.update(zeros.subarray(0, length));
      hash.update(bytes);
      await handle.write(bytes);
      written += length;
    }
  } finally {
    await handle.close();
  }
  return [{ path, size: spec.minSize, sha256: hash.digest('hex') }];
}

async function generateFiles(spec: DatasetSpec, root: string): Promise<FileEntry[]> {
  await rm(join(root, spec.name), { recursive: true, force: true });
  for (let directory = 0; directory * spec.filesPerDirectory < spec.files; directory += 1) {
    await mkdir(dirname(join(root, filePath(spec, directory * spec.filesPerDirectory))), { recursive: true });
  }
  const stream = randomBytesStream(spec.name);
  const sizes = seededRandom(`${spec.name}/sizes`);
  const zeros = Buffer.alloc(spec.maxSize);
  const entries: FileEntry[] = [];
  // Bytes are drawn in order (so they are deterministic); the writes overlap, in batches.
  const batch: Promise<void>[] = [];
  for (let index = 0; index < spec.files; index += 1) {
    const size = spec.minSize + Math.floor(sizes() * (spec.maxSize - spec.minSize + 1));
    const bytes = stream.update(zeros.subarray(0, size));
    const path = filePath(spec, index);
    entries.push({ path, size, sha256: createHash('sha256').update(bytes).digest('hex') });
    batch.push(writeFile(join(root, path), bytes));
    if (batch.length === 64) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return entries;
}

/** Runs a command to completion, failing with its output when it fails. */
export function runQuietly(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed with code ${code}: ${errors}`))));
  });
}

export interface ChangedCopy {
  root: string;
  files: number;
  bytes: number;
}

/**
 * Makes `targetRoot/<name>`: the dataset with 1% of its files (at least one; chosen with a fixed
 * seed) rewritten with new random bytes of the same size. Unchanged files are hard links to the
 * cache, so the copy is cheap; changed ones are unlinked first so the cached dataset stays intact.
 * Their modification time is now, later than any earlier upload, which is what aws s3 sync compares.
 */
export async function writeChangedCopy(dataset: Dataset, targetRoot: string): Promise<ChangedCopy> {
  await mkdir(targetRoot, { recursive: true });
  await runQuietly('cp', ['-al', join(dataset.root, dataset.spec.name), join(targetRoot, dataset.spec.name)]);
  const indexes = dataset.entries.map((_, index) => index);
  const choose = seededRandom(`${dataset.spec.name}/change`);
  const count = Math.max(1, Math.round(indexes.length / 100));
  // A partial Fisher-Yates shuffle: the first `count` places hold a uniform random choice.
  for (let place = 0; place < count; place += 1) {
    const pick = place + Math.floor(choose() * (indexes.length - place));
    [indexes[place], indexes[pick]] = [indexes[pick]!, indexes[place]!];
  }
  const stream = randomBytesStream(`${dataset.spec.name}/change`);
  let bytes = 0;
  for (const index of indexes.slice(0, count)) {
    const entry = dataset.entries[index]!;
    const path = join(targetRoot, entry.path);
    await unlink(path);
    await writeFile(path, stream.update(Buffer.alloc(entry.size)));
    bytes += entry.size;
  }
  return { root: targetRoot, files: count, bytes };
}
