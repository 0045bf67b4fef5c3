import { UsageError } from '../core/errors.js';
import { type PruneRules } from '../core/pruneRules.js';
import { type WalkProgress } from '../core/walkProgress.js';
import { openRemote } from '../remote/openRemote.js';
import { withOutageBreaker } from '../remote/outageBreaker.js';
import { type Remote } from '../remote/remote.js';
import { type S3Options } from '../remote/s3/s3Options.js';
import { type PruneOutcome, type StoreUsage } from '../core/storeReport.js';
import { type UnlistedStoreReport } from '../core/unlistedStoreReport.js';
import { actionsCacheKeys } from '../store/layout.js';
import { pruneStore } from '../store/pruneStore.js';
import { findProblems } from '../store/storeProblems.js';
import { storeUsage } from '../store/storeUsage.js';
import { viewUnlistedStore } from '../store/unlistedStore.js';
import { walkStore } from '../store/walkStore.js';

/** Which store to look at and how, in words of a face's own options. */
export interface StoreSettings {
  /** `s3://bucket/prefix`, `file:///path` or a directory. */
  remote: string;
  s3: S3Options;
  /** Where a relative directory remote is found. */
  workingDirectory: string;
  concurrency: number;
  graceMs: number;
  progress?: WalkProgress;
  /** Outputs to look up on a store that cannot list: the newest result of each is what can be shown there. */
  outputs?: readonly string[];
}

/**
 * `stoat du`: what the store holds, by output and scope, and what is wrong in it. A store that
 * cannot list (it evicts by itself) shows what it can: the newest result of each output named.
 */
export async function measureStore(settings: StoreSettings): Promise<StoreUsage | UnlistedStoreReport> {
  const remote = await openStore(settings);
  if (remote.list === undefined) return viewUnlistedStore(remote, settings.outputs ?? [], settings.concurrency);
  if ((settings.outputs ?? []).length > 0) throw new UsageError(`--output is for a store that cannot list what it holds (gha): ${remote.display} is listed whole, every output in the table`);
  const walk = await walkStore(remote, settings);
  const { problems } = await findProblems(remote, walk, settings.concurrency);
  return storeUsage(remote.display, walk, problems, settings.graceMs);
}

export interface PruneSettings extends StoreSettings {
  rules: Omit<PruneRules, 'graceMs'>;
  dryRun: boolean;
}

/**
 * `stoat prune`. A remote that can list but not delete (a store that evicts by itself) gets a dry
 * run, and a note that says why.
 */
export async function pruneResults(settings: PruneSettings): Promise<PruneOutcome | UnlistedStoreReport> {
  const remote = await openStore(settings);
  // Nothing can be removed from a store that cannot list: it trims itself. What it holds of the outputs named is shown instead.
  if (remote.list === undefined) return viewUnlistedStore(remote, settings.rules.outputs, settings.concurrency);
  return pruneOpenedStore(remote, settings);
}

/** `stoat prune` on a remote already open. */
export async function pruneOpenedStore(remote: Remote, settings: Omit<PruneSettings, 'remote' | 's3' | 'workingDirectory'>): Promise<PruneOutcome> {
  const canDelete = remote.delete !== undefined;
  const outcome = await pruneStore({
    remote,
    rules: { ...settings.rules, graceMs: settings.graceMs },
    dryRun: settings.dryRun || !canDelete,
    concurrency: settings.concurrency,
    progress: settings.progress,
  });
  if (canDelete || settings.dryRun) return outcome;
  return { ...outcome, note: `${remote.display} cannot delete objects: a store that evicts entries by itself trims itself, and this is only what the rules would remove` };
}

/** The remote behind the breaker every face uses: a remote that is down is asked only a few times. */
async function openStore(settings: StoreSettings): Promise<Remote> {
  return withOutageBreaker(await openRemote(settings.remote, settings.workingDirectory, settings.s3, actionsCacheKeys));
}
