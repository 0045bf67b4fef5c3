import { IntegrityError } from './errors.js';
import { ManifestScanner } from './manifestScanner.js';
import { checkDistinctPaths, checkManifestPath } from './safePath.js';
import { treeHash, type TreeEntry } from './treeHash.js';

/** A file stored as a blob of its own, named by its sha256. */
export interface BlobFile extends TreeEntry {
  blob: string;
}

/** A file stored inside a pack, `size` bytes at `offset`. */
export interface PackFile extends TreeEntry {
  pack: string;
  offset: number;
}

export type ManifestFile = BlobFile | PackFile;

export interface ManifestInput {
  path: string;
  size: number;
  sha256: string;
}

export interface Provenance {
  commit: string | null;
  dirty: boolean | null;
  ref: string | null;
  event: string | null;
  run: string | null;
  workflow: string | null;
  /** `owner/name` of the repository the run was in; null for saves made elsewhere (and before this was recorded). */
  repository: string | null;
  /** The pull request the run was for, if any. */
  pull_request: number | null;
  created: string;
  duration_ms: number | null;
}

export interface Manifest {
  stoat: 1;
  output: string;
  kind: 'dir' | 'file';
  key: string;
  scope: string;
  tree: string;
  files: ManifestFile[];
  inputs: ManifestInput[];
  command: string[];
  env: string[];
  extra: string;
  /**
   * `[name, sha256 of the value, or null when unset]` for each env name (envValueDigest): a miss can
   * name the variable whose value changed without the value ever being written. Absent in
   * manifests saved before it was recorded.
   */
  env_sha256?: [string, string | null][];
  /** The step's declared outputs, sorted; absent in manifests saved before they were recorded. */
  outputs?: string[];
  provenance: Provenance;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && sha256Pattern.test(value);
}

/** What the reader expects a manifest to be about; anything else in it is a lie or a mix-up. */
export interface ManifestExpectation {
  output: string;
  key: string;
  scope: string;
}

/**
 * Parses and checks a manifest read from a remote. Everything is checked before any of it is used:
 * types, hashes, sizes, modes, every path, and that the tree hash is the hash of the files listed.
 */
export function parseManifest(text: string, expected: ManifestExpectation): Manifest {
  const parser = new ManifestParser(expected);
  parser.push(new TextEncoder().encode(text));
  return parser.finish();
}

/**
 * parseManifest for a manifest read in pieces: each file entry is parsed and checked as it arrives,
 * so neither the whole text nor an unchecked object per file is ever held (see ManifestScanner).
 * The checks and their order are parseManifest's: the first problem found in a file is kept and
 * reported where parseManifest would report it, after the checks of the fields before the files.
 */
export class ManifestParser {
  // Every member of a pack names it: one string for all of them, not one per file.
  private readonly packs = new Map<string, string>();
  private readonly files: ManifestFile[] = [];
  private fileProblem: unknown;
  private syntaxProblem: Error | undefined;
  private readonly scanner = new ManifestScanner((text) => this.addFile(text));

  constructor(private readonly expected: ManifestExpectation) {}

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  finish(): Manifest {
    let value: unknown;
    try {
      value = JSON.parse(this.scanner.finish());
      if (this.syntaxProblem !== undefined) throw this.syntaxProblem;
    } catch (error) {
      if (error instanceof IntegrityError) throw error;
      throw new IntegrityError(`the manifest is not valid JSON (${(error as Error).message})`);
    }
    return checkManifest(record(value, 'the manifest'), this.expected, () => {
      if (this.fileProblem !== undefined) throw this.fileProblem;
      return this.files;
    });
  }

  private addFile(text: string): void {
    if (this.syntaxProblem !== undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.syntaxProblem = error as Error;
      return;
    }
    if (this.fileProblem !== undefined) return;
    try {
      this.files.push(parseFile(value, this.packs));
    } catch (error) {
      this.fileProblem = error;
    }
  }
}

/** The checks of parseManifest on the manifest parsed without its files, which `streamedFiles` gives (or throws the first problem found in them). */
function checkManifest(manifest: Record<string, unknown>, expected: ManifestExpectation, streamedFiles: () => ManifestFile[]): Manifest {
  if (manifest.stoat !== 1) throw new IntegrityError(`the manifest has format ${JSON.stringify(manifest.stoat)}, expected 1`);
  for (const field of ['output', 'key', 'scope'] as const) {
    if (manifest[field] !== expected[field]) {
      throw new IntegrityError(`the manifest's ${field} is ${JSON.stringify(manifest[field])}, expected ${JSON.stringify(expected[field])}`);
    }
  }
  if (manifest.kind !== 'dir' && manifest.kind !== 'file') throw new IntegrityError(`the manifest's kind ${JSON.stringify(manifest.kind)} is neither "dir" nor "file"`);
  const tree = hashField(manifest.tree, 'tree');
  // A top-level "files" list was read apart and is empty here; one that is not a list is refused here.
  array(manifest.files, 'files');
  const files = streamedFiles();
  checkDistinctPaths(files.map((file) => file.path));
  if (manifest.kind === 'file') {
    const baseName = expected.output.split('/').pop();
    if (files.length !== 1 || files[0]!.path !== baseName) {
      throw new IntegrityError(`a file manifest must list exactly one file named ${JSON.stringify(baseName)}`);
    }
  }
  if (treeHash(files) !== tree) throw new IntegrityError(`the manifest's tree hash ${tree} does not match the files it lists`);
  return {
    stoat: 1,
    output: expected.output,
    kind: manifest.kind,
    key: expected.key,
    scope: expected.scope,
    tree,
    files,
    inputs: array(manifest.inputs ?? [], 'inputs').map(parseInput),
    command: array(manifest.command ?? [], 'command').map((line) => textField(line, 'command line')),
    env: array(manifest.env ?? [], 'env').map((name) => textField(name, 'env name')),
    extra: manifest.extra === undefined ? '' : textField(manifest.extra, 'extra'),
    ...optionalKeyFields(manifest),
    provenance: parseProvenance(manifest.provenance),
  };
}

/** What later versions record of the key beyond the first manifests: present only where recorded. */
function optionalKeyFields(manifest: Record<string, unknown>): Pick<Manifest, 'env_sha256' | 'outputs'> {
  const fields: Pick<Manifest, 'env_sha256' | 'outputs'> = {};
  if (manifest.env_sha256 !== undefined) {
    fields.env_sha256 = array(manifest.env_sha256, 'env_sha256').map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new IntegrityError("an entry of the manifest's env_sha256 is not a [name, sha256] pair");
      return [textField(pair[0], 'env_sha256 name'), pair[1] === null ? null : hashField(pair[1], `env_sha256 of ${JSON.stringify(pair[0])}`)];
    });
  }
  if (manifest.outputs !== undefined) fields.outputs = array(manifest.outputs, 'outputs').map((output) => textField(output, 'output'));
  return fields;
}

function parseFile(value: unknown, packs: Map<string, string>): ManifestFile {
  const file = record(value, 'a file entry');
  const path = checkManifestPath(file.path);
  const shown = JSON.stringify(path);
  const size = countField(file.size, `size of ${shown}`);
  const sha256 = hashField(file.sha256, `sha256 of ${shown}`);
  const mode = file.mode;
  // Permission bits only: a manifest must not be able to make a restored file setuid or setgid.
  if (!Number.isSafeInteger(mode) || (mode as number) < 0 || (mode as number) > 0o777) {
    throw new IntegrityError(`the mode of ${shown} is not a permission mode (0 to 0777)`);
  }
  if ((file.blob === undefined) === (file.pack === undefined)) {
    throw new IntegrityError(`the file ${shown} must name exactly one of "blob" and "pack"`);
  }
  if (file.blob !== undefined) {
    const blob = hashField(file.blob, `blob of ${shown}`);
    if (blob !== sha256) throw new IntegrityError(`the blob of ${shown} is not named by its sha256`);
    return { path, size, sha256, mode: mode as number, blob };
  }
  const offset = countField(file.offset, `offset of ${shown}`);
  if (!Number.isSafeInteger(offset + size)) throw new IntegrityError(`the member ${shown} ends past any possible pack (offset ${offset}, size ${size})`);
  const pack = hashField(file.pack, `pack of ${shown}`);
  if (!packs.has(pack)) packs.set(pack, pack);
  return { path, size, sha256, mode: mode as number, pack: packs.get(pack)!, offset };
}

function parseInput(value: unknown): ManifestInput {
  const input = record(value, 'an input entry');
  const path = textField(input.path, 'input path');
  return { path, size: countField(input.size, `size of input ${path}`), sha256: hashField(input.sha256, `sha256 of input ${path}`) };
}

function parseProvenance(value: unknown): Provenance {
  const provenance = record(value ?? {}, 'provenance');
  const optionalText = (field: string): string | null =>
    provenance[field] === undefined || provenance[field] === null ? null : textField(provenance[field], `provenance ${field}`);
  const created = textField(provenance.created, 'provenance created');
  if (Number.isNaN(Date.parse(created))) throw new IntegrityError(`the manifest's creation time ${JSON.stringify(created)} is not a date`);
  return {
    commit: optionalText('commit'),
    dirty: typeof provenance.dirty === 'boolean' ? provenance.dirty : null,
    ref: optionalText('ref'),
    event: optionalText('event'),
    run: optionalText('run'),
    workflow: optionalText('workflow'),
    repository: optionalText('repository'),
    pull_request: typeof provenance.pull_request === 'number' && Number.isSafeInteger(provenance.pull_request) ? provenance.pull_request : null,
    created,
    duration_ms: typeof provenance.duration_ms === 'number' ? provenance.duration_ms : null,
  };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IntegrityError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new IntegrityError(`the manifest's ${field} is not a list`);
  return value;
}

function textField(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new IntegrityError(`the manifest's ${what} is not a string`);
  return value;
}

function hashField(value: unknown, what: string): string {
  if (!isSha256(value)) throw new IntegrityError(`the manifest's ${what} is not a sha256 in lowercase hex`);
  return value;
}

function countField(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw new IntegrityError(`the manifest's ${what} is not a whole number ≥ 0`);
  return value as number;
}
