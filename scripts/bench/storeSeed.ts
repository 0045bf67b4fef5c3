// A store of many results, written straight into the files a remote keeps (s3rver's store, or a
// directory remote) as stoat's saves would leave it: s3rver spends about 8 ms of CPU on each PUT,
// so 30,000 objects put through it would take minutes. Cached under .bench/store/, stamped.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type PackFile } from '../../src/core/manifest.js';
import { manifestBytes } from '../../src/core/manifestBytes.js';
import { treeHash } from '../../src/core/treeHash.js';
import { indexEntryKey, manifestKey, packKey } from '../../src/store/layout.js';
import { type FileEntry, seededRandom } from './datasets.js';

/** How the store is made: how many results, how many files each, over how many scopes and days. */
export interface StoreShape {
  results: number;
  filesPerResult: number;
  /** Scopes besides `trusted`: `pr-1` to `pr-N`. */
  scopes: number;
  days: number;
}

export type StoreKind = 's3rver' | 'directory';

export interface SeededStore {
  /** s3rver's `--directory`, or the directory remote itself. */
  directory: string;
  results: number;
  outputs: number;
  objects: number;
  storedBytes: number;
  manifestBytes: number;
}

const day = 86_400_000;
const packBytes = 24 * 1024 * 1024;
export const storeBucket = 'bench-store';

/**
 * The files of D2 make the outputs: D2's files taken `filesPerResult` at a time are one output each
 * (a D2 directory of 500 at 500). Each output is saved again and again: every save changes 1% of
 * its files (at least one), packs the changed ones anew and points into the earlier packs for the
 * rest, as a save after a small change does. So the results share most of their objects.
 */
export async function seedStore(d2: readonly FileEntry[], shape: StoreShape, kind: StoreKind, cacheRoot: string, log: (line: string) => void): Promise<SeededStore> {
  const name = `${kind}-${shape.results}x${shape.filesPerResult}-${shape.scopes}s-${shape.days}d`;
  const directory = join(cacheRoot, name);
  const stampPath = join(cacheRoot, `${name}.json`);
  if (existsSync(stampPath)) return JSON.parse(await readFile(stampPath, 'utf8')) as SeededStore;
  const started = performance.now();
  await rm(directory, { recursive: true, force: true });
  await rm(stampPath, { force: true });
  const writer = new ObjectWriter(kind === 's3rver' ? join(directory, storeBucket) : directory, kind);
  const outputs = Math.floor(d2.length / shape.filesPerResult);
  const perOutput = Math.ceil(shape.results / outputs);
  const now = Date.now();
  let results = 0;
  for (let output = 0; output < outputs && results < shape.results; output++) {
    const files = d2.slice(output * shape.filesPerResult, (output + 1) * shape.filesPerResult);
    const history = new OutputHistory(`d2/part-${String(output).padStart(4, '0')}`, files);
    for (let version = 0; version < perOutput && results < shape.results; version++, results++) {
      const created = now - shape.days * day * (1 - version / perOutput) - output * 60_000;
      // A quarter on the default branch; the rest in pull requests of twelve saves each, in turn.
      const scope = version % 4 === 0 ? 'trusted' : `pr-${((Math.floor(version / 16) + output) % shape.scopes) + 1}`;
      await history.save(writer, version, scope, created);
    }
  }
  await writer.flush();
  const seeded: SeededStore = { directory, results, outputs, objects: writer.objects, storedBytes: writer.storedBytes, manifestBytes: writer.manifestBytes };
  await writeFile(stampPath, JSON.stringify(seeded));
  log(`seeded ${name}: ${results} results, ${writer.objects} objects in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return seeded;
}

/** One output's files as its latest save left them: where each file's bytes are. */
class OutputHistory {
  private readonly files: PackFile[];
  private readonly choose: () => number;

  constructor(
    private readonly output: string,
    entries: readonly FileEntry[],
  ) {
    this.choose = seededRandom(`store/${output}`);
    this.files = entries.map((entry) => ({ path: entry.path.split('/').pop()!, size: entry.size, sha256: entry.sha256, mode: 0o644, pack: '', offset: 0 }));
  }

  /** Saves version `version`: the first packs every file, each later one changes 1% and packs those. */
  async save(writer: ObjectWriter, version: number, scope: string, created: number): Promise<void> {
    const changed = version === 0 ? this.files.map((_, index) => index) : this.pickChanged();
    let pack: { sha: string; size: number } | undefined;
    for (const index of changed) {
      const file = this.files[index]!;
      if (version > 0) file.sha256 = digest(`${this.output}/${version}/${index}`);
      if (pack === undefined || pack.size + file.size > packBytes) {
        if (pack !== undefined) await writer.sparse(packKey(pack.sha), pack.size, created);
        pack = { sha: digest(`${this.output}/${version}/pack/${index}`), size: 0 };
      }
      file.pack = pack.sha;
      file.offset = pack.size;
      pack.size += file.size;
    }
    if (pack !== undefined) await writer.sparse(packKey(pack.sha), pack.size, created);
    const key = digest(`${this.output}/${version}/key`);
    const sorted = [...this.files].sort((a, b) => (a.path < b.path ? -1 : 1));
    const tree = treeHash(sorted);
    const provenance = { commit: digest(`commit ${version}`).slice(0, 40), dirty: false, ref: 'refs/heads/main', event: 'push', run: String(version), workflow: 'ci', repository: 'bench/store', pull_request: null, created: new Date(created).toISOString(), duration_ms: 60_000 };
    const head = { stoat: 1 as const, output: this.output, kind: 'dir' as const, key, scope, tree, inputs: [], command: [`train --version ${version}`], env: [], extra: '', provenance };
    await writer.put(manifestKey(this.output, key, scope, tree), manifestBytes(head, sorted.length, (index) => sorted[index]!), created, true);
    await writer.put(indexEntryKey(this.output, scope, created, key, tree), Buffer.alloc(0), created, false);
  }

  private pickChanged(): number[] {
    const count = Math.max(1, Math.round(this.files.length / 100));
    const picked = new Set<number>();
    while (picked.size < count) picked.add(Math.floor(this.choose() * this.files.length));
    return [...picked].sort((a, b) => a - b);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes objects as the remote keeps them, a batch at a time, with the time each was written. */
class ObjectWriter {
  objects = 0;
  storedBytes = 0;
  manifestBytes = 0;
  private readonly pending: Promise<void>[] = [];

  constructor(
    private readonly root: string,
    private readonly kind: StoreKind,
  ) {}

  /** An object of `size` bytes that takes no disk: what du and prune read of a pack is its listed size. */
  async sparse(key: string, size: number, written: number): Promise<void> {
    this.storedBytes += size;
    await this.queue(key, written, async (path) => {
      const handle = await open(path, 'w');
      await handle.truncate(size);
      await handle.close();
    });
  }

  async put(key: string, bytes: Buffer, written: number, isManifest: boolean): Promise<void> {
    if (isManifest) this.manifestBytes += bytes.length;
    await this.queue(key, written, (path) => writeFile(path, bytes));
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }

  /** s3rver 3.7.1 keeps an object as three files: its bytes, their md5, and its metadata. */
  private async queue(key: string, written: number, write: (path: string) => Promise<void>): Promise<void> {
    this.objects++;
    const base = join(this.root, key);
    const path = this.kind === 's3rver' ? `${base}._S3rver_object` : base;
    this.pending.push(
      (async () => {
        await mkdir(dirname(base), { recursive: true });
        await write(path);
        if (this.kind === 's3rver') {
          await writeFile(`${base}._S3rver_object.md5`, digest(key).slice(0, 32));
          await writeFile(`${base}._S3rver_metadata.json`, '{"content-type":"application/octet-stream"}');
        }
        const time = new Date(written);
        await utimes(path, time, time);
      })(),
    );
    if (this.pending.length >= 64) await this.flush();
  }
}
