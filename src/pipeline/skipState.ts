import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveDeclaredPath } from '../core/declaredPath.js';
import { walkFiles } from '../workspace/walkFiles.js';

/** One file of a command's outputs as it was left: a changed size or time means a changed output. */
export interface OutputStamp {
  path: string;
  size: number;
  /** Nanoseconds, as text: JSON numbers would round them. */
  mtimeNs: string;
}

/** What a command's present outputs were made or restored under, like an entry of Weasel's `project.lock`. */
export interface CommandState {
  key: string;
  /** Every file of its outputs (cached or not), by path. */
  files: OutputStamp[];
  /** How long the command took when it made them, when known: what a skip saves. */
  runMs: number | null;
}

/** Where the state lives: beside the project file, out of the way of the project's own files. */
export function stateFile(projectDirectory: string): string {
  return join(projectDirectory, '.stoat', 'state.json');
}

/**
 * The skip state of a project: read once, changed per command as steps end, and written after each
 * change to a temporary file renamed over the old one, so a crash leaves the old state or the new,
 * never half of one. Writes are chained, so steps that end together do not race.
 */
export class SkipState {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly directory: string,
    private readonly commands: Map<string, CommandState>,
  ) {}

  /** A state file that is missing or unreadable is an empty state: every step is checked against the remote. */
  static async read(projectDirectory: string): Promise<SkipState> {
    const text = await readFile(stateFile(projectDirectory), 'utf8').catch(() => '{}');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = {};
    }
    const commands = new Map<string, CommandState>();
    const entries = (parsed as { commands?: unknown }).commands;
    if (entries !== null && typeof entries === 'object') {
      for (const [name, entry] of Object.entries(entries)) if (isCommandState(entry)) commands.set(name, entry);
    }
    return new SkipState(projectDirectory, commands);
  }

  get(name: string): CommandState | undefined {
    return this.commands.get(name);
  }

  /** Records (or with undefined, forgets) a command's outputs, and writes the state down. */
  async set(name: string, state: CommandState | undefined): Promise<void> {
    if (state === undefined) this.commands.delete(name);
    else this.commands.set(name, state);
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const file = stateFile(this.directory);
    await mkdir(join(this.directory, '.stoat'), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const sorted = Object.fromEntries([...this.commands].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    try {
      await writeFile(temporary, `${JSON.stringify({ stoat: 1, commands: sorted }, null, 2)}\n`);
      await rename(temporary, file);
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

function isCommandState(value: unknown): value is CommandState {
  const entry = value as CommandState;
  return typeof entry?.key === 'string' && Array.isArray(entry.files) && (entry.runMs === null || typeof entry.runMs === 'number');
}

/**
 * The files of the declared outputs as they are now, or undefined when an output is missing or
 * cannot be looked at: such a command's outputs are not present, so it is not skipped.
 */
export async function outputStamps(projectDirectory: string, outputs: readonly string[]): Promise<OutputStamp[] | undefined> {
  const stamps: OutputStamp[] = [];
  try {
    for (const output of outputs) {
      const declared = resolveDeclaredPath(projectDirectory, output, 'output');
      const status = await stat(declared.absolute, { bigint: true });
      if (status.isFile()) {
        stamps.push({ path: declared.relative, size: Number(status.size), mtimeNs: String(status.mtimeNs) });
        continue;
      }
      if (!status.isDirectory()) return undefined;
      const files = await walkFiles(declared.absolute, { followSymbolicLinks: false, what: `output "${declared.relative}"` });
      for (const file of files) stamps.push({ path: `${declared.relative}/${file.path}`, size: file.size, mtimeNs: String(file.stamp.mtimeNs) });
    }
  } catch {
    return undefined;
  }
  return stamps;
}

/** The command's outputs are the ones recorded under this key, untouched since. */
export function isCurrent(recorded: CommandState | undefined, key: string, stamps: readonly OutputStamp[] | undefined): boolean {
  if (recorded === undefined || stamps === undefined || recorded.key !== key) return false;
  if (recorded.files.length !== stamps.length) return false;
  return recorded.files.every((file, index) => file.path === stamps[index]!.path && file.size === stamps[index]!.size && file.mtimeNs === stamps[index]!.mtimeNs);
}
