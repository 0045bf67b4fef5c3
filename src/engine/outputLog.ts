import { resolveDeclaredPath } from '../core/declaredPath.js';
import { CacheFailure, classifyFailure } from '../core/errors.js';
import { keyDifference } from '../core/keyDifference.js';
import { differenceClauses, materialOfManifest, nearestOf, type NearestResult } from '../core/missExplanation.js';
import { savedResults } from '../store/savedResults.js';
import { type StepContext } from './stepContext.js';

/** One saved result of an output, with what differs from the one saved before it. */
export interface LogEntry extends NearestResult {
  command: string[];
  /** What differs from the next older result shown; null for the oldest, "" where nothing recorded differs. */
  difference: string | null;
}

export interface LogRequest {
  workingDirectory: string;
  output: string;
  /** Only results saved by this command; every command when undefined. */
  command: string[] | undefined;
  /** Every scope instead of the ones this run reads. */
  allScopes: boolean;
  limit: number;
}

/** Manifests read at most per result asked for, when a command filters them. */
const readsPerResult = 20;

/** The saved results of an output, newest first, each compared with the one before it: `stoat log`. */
export async function outputLog(request: LogRequest, context: StepContext): Promise<LogEntry[]> {
  const output = resolveDeclaredPath(request.workingDirectory, request.output, 'output').relative;
  const wanted = request.command === undefined ? undefined : JSON.stringify(request.command);
  try {
    // One more than shown, so the oldest shown is compared with the one before it too.
    const results = await savedResults(context.remote, {
      output,
      scopes: request.allScopes ? undefined : context.scope.read,
      accept: (manifest) => wanted === undefined || JSON.stringify(manifest.command) === wanted,
      limit: request.limit + 1,
      readLimit: (request.limit + 1) * readsPerResult,
      concurrency: context.concurrency,
    });
    return results.slice(0, request.limit).map(({ manifest, location }, index) => {
      const older = results[index + 1];
      const difference = older === undefined ? null : older.manifest.key === manifest.key ? 'the same key: another save of the same inputs' : differenceClauses(keyDifference(materialOfManifest(older.manifest), materialOfManifest(manifest))).join('; ');
      return { ...nearestOf(manifest, location), command: manifest.command, difference };
    });
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'remote') throw new CacheFailure(`the remote failed while listing the saved results of ${output}: ${failure.message}`);
    throw error;
  }
}
