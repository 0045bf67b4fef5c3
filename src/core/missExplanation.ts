import { type DepChange, isNoDifference, type KeyDifference, keyDifference, type KeyMaterial, type LineChange } from './keyDifference.js';
import { type Manifest } from './manifest.js';
import { changesByDirectory, type DirectoryChanges } from './directoryChanges.js';

/** The earlier result a miss is compared with: the newest saved result of the step's outputs. */
export interface NearestResult {
  output: string;
  scope: string;
  key: string;
  tree: string;
  /** Where its manifest is. */
  manifest: string;
  created: string;
  commit: string | null;
  run: string | null;
  repository: string | null;
  duration_ms: number | null;
}

/**
 * changed: what differs is named; first-run: nothing was saved before; unrecorded: the difference
 * lies in what the earlier result did not record; same-key: a result with this very key is saved but
 * could not be used; unknown: the earlier result could not be found or read (`problem` says why).
 */
export type ExplanationKind = 'changed' | 'first-run' | 'unrecorded' | 'same-key' | 'unknown';

/** Why a step missed: the `explanation` of the JSON report. Lists are capped; `counts` are whole. */
export interface MissExplanation {
  kind: ExplanationKind;
  /** One line: every difference, most telling first. */
  reason: string;
  nearest: NearestResult | null;
  /** Declared outputs with no earlier result in the scopes read. */
  nothing_saved: string[];
  command: LineChange[];
  deps: {
    added: string[];
    removed: string[];
    changed: DepChange[];
    counts: { added: number; removed: number; changed: number };
    /** The same changes summed by directory, for when there are too many to list. */
    directories: DirectoryChanges[];
  };
  env: { added: string[]; removed: string[]; changed: string[]; unrecorded: string[] };
  key_extra: boolean;
  outputs: { added: string[]; removed: string[]; recorded: boolean };
  problem: string | null;
}

/** Entries of each list the report keeps; the counts say how many there were. */
export const explanationListCap = 100;

/** The material of the key an earlier result was saved under, as its manifest records it. */
export function materialOfManifest(manifest: Manifest): KeyMaterial {
  const digests = new Map(manifest.env_sha256 ?? []);
  return {
    script: manifest.command,
    deps: manifest.inputs.map((input) => [input.path, input.sha256] as const),
    env: manifest.env.map((name) => [name, digests.has(name) ? digests.get(name)! : undefined] as const),
    extra: manifest.extra,
    outputs: manifest.outputs,
  };
}

export function nearestOf(manifest: Manifest, location: string): NearestResult {
  const { provenance } = manifest;
  return {
    output: manifest.output,
    scope: manifest.scope,
    key: manifest.key,
    tree: manifest.tree,
    manifest: location,
    created: provenance.created,
    commit: provenance.commit,
    run: provenance.run,
    repository: provenance.repository,
    duration_ms: provenance.duration_ms,
  };
}

/** An explanation with nothing compared yet: the fields every kind has. */
function emptyExplanation(kind: ExplanationKind, reason: string, nothingSaved: readonly string[] = []): MissExplanation {
  return {
    kind,
    reason,
    nearest: null,
    nothing_saved: [...nothingSaved],
    command: [],
    deps: { added: [], removed: [], changed: [], counts: { added: 0, removed: 0, changed: 0 }, directories: [] },
    env: { added: [], removed: [], changed: [], unrecorded: [] },
    key_extra: false,
    outputs: { added: [], removed: [], recorded: true },
    problem: null,
  };
}

export function firstRunExplanation(outputs: readonly string[], scopes: readonly string[]): MissExplanation {
  return emptyExplanation('first-run', `first run of this step: nothing saved for ${outputList(outputs)} yet (in scopes ${scopes.join(', ')})`, outputs);
}

export function unexplainedExplanation(problem: string): MissExplanation {
  return { ...emptyExplanation('unknown', `why it missed could not be found: ${problem}`), problem };
}

/** A result with this key is there, but the restore could not use it: its reason is the reason. */
export function sameKeyExplanation(reason: string): MissExplanation {
  return emptyExplanation('same-key', reason);
}

/**
 * Compares the key material of this run with that of the nearest earlier result (saved under
 * another key) and names every difference; `nothingSaved` are the outputs with no earlier result.
 */
export function explainDifference(earlier: KeyMaterial, now: KeyMaterial, nearest: NearestResult, nothingSaved: readonly string[]): MissExplanation {
  const difference = keyDifference(earlier, now);
  const explanation: MissExplanation = {
    ...emptyExplanation('changed', ''),
    nearest,
    nothing_saved: [...nothingSaved],
    command: difference.script.slice(0, explanationListCap),
    deps: {
      added: difference.deps.added.slice(0, explanationListCap),
      removed: difference.deps.removed.slice(0, explanationListCap),
      changed: difference.deps.changed.slice(0, explanationListCap),
      counts: { added: difference.deps.added.length, removed: difference.deps.removed.length, changed: difference.deps.changed.length },
      directories: changesByDirectory(difference.deps).slice(0, explanationListCap),
    },
    env: { ...difference.env, unrecorded: difference.unrecorded.env },
    key_extra: difference.extra,
    outputs: { ...difference.outputs, recorded: !difference.unrecorded.outputs },
  };
  if (isNoDifference(difference)) return { ...explanation, kind: 'unrecorded', reason: unrecordedReason(difference) };
  return { ...explanation, reason: differenceClauses(difference, nothingSaved).join('; ') };
}

function unrecordedReason(difference: KeyDifference): string {
  const parts: string[] = [];
  if (difference.unrecorded.env.length > 0) parts.push(`the value of env ${difference.unrecorded.env.join(', ')}`);
  if (difference.unrecorded.outputs) parts.push('the declared outputs');
  if (parts.length === 0) return 'nothing the earlier result recorded differs, yet its key does: it was saved by a stoat that made keys another way';
  return `nothing recorded differs, so what changed is something the earlier result did not record: ${parts.join(' or ')}`;
}

/** One clause per kind of difference, in the order a reviewer looks for them. */
export function differenceClauses(difference: KeyDifference, nothingSaved: readonly string[] = []): string[] {
  const clauses: string[] = [];
  const { script, deps, env, outputs } = difference;
  if (script.length === 1) clauses.push(`line ${script[0]!.line} of the command ${lineVerb(script[0]!)}`);
  else if (script.length > 1) clauses.push(`${script.length} lines of the command changed (lines ${script.map((change) => change.line).join(', ')})`);
  const depCount = deps.added.length + deps.removed.length + deps.changed.length;
  if (depCount === 1) {
    const [path, verb] = deps.changed.length === 1 ? [deps.changed[0]!.path, 'changed'] : deps.added.length === 1 ? [deps.added[0]!, 'added'] : [deps.removed[0]!, 'removed'];
    clauses.push(`dep \`${path}\` ${verb}`);
  } else if (depCount > 1) {
    clauses.push(`deps changed: ${countsText({ changed: deps.changed.length, added: deps.added.length, removed: deps.removed.length })}`);
  }
  const envParts = [namesText(env.changed, 'changed'), namesText(env.added, 'added'), namesText(env.removed, 'removed')].filter((part) => part !== '');
  if (envParts.length > 0) clauses.push(`env ${envParts.join('; ')}`);
  if (difference.extra) clauses.push('key-extra changed');
  const outputParts = [namesText(outputs.added.map(quoted), 'added'), namesText(outputs.removed.map(quoted), 'removed')].filter((part) => part !== '');
  if (outputParts.length > 0) clauses.push(`declared outputs changed: ${outputParts.join('; ')}`);
  if (nothingSaved.length > 0) clauses.push(`nothing saved for ${outputList(nothingSaved)} yet`);
  return clauses;
}

function lineVerb(change: LineChange): string {
  if (change.before === undefined) return 'was added';
  if (change.after === undefined) return 'was removed';
  return 'changed';
}

/** "3 changed, 120 added": the non-zero counts, each written by `format`. */
export function countsText(counts: { changed: number; added: number; removed: number }, format: (count: number) => string = String): string {
  return (['changed', 'added', 'removed'] as const)
    .filter((name) => counts[name] > 0)
    .map((name) => `${format(counts[name])} ${name}`)
    .join(', ');
}

function namesText(names: readonly string[], verb: string): string {
  return names.length === 0 ? '' : `${names.join(', ')} ${verb}`;
}

function quoted(path: string): string {
  return `\`${path}\``;
}

function outputList(outputs: readonly string[]): string {
  return outputs.map(quoted).join(', ');
}
