import { CacheFailure, classifyFailure } from '../core/errors.js';
import { type PipelineCommand, type PipelineProject } from '../core/pipelineProject.js';
import { explainMiss } from '../engine/explainMiss.js';
import { type PreparedStep } from '../engine/prepareStep.js';
import { type StepContext } from '../engine/stepContext.js';
import { findResult, type FoundResult } from '../store/findResult.js';
import { isCurrent, outputStamps, type SkipState } from './skipState.js';
import { everyOutput, keyStep, missingDeps, type UpstreamManifests } from './stepKey.js';

/** skip: outputs present and current; hit: a saved result to restore; run: the command must run. */
export type Assessment =
  | { status: 'skip'; key: string; reason: string; prepared: PreparedStep | undefined }
  | { status: 'hit'; key: string; reason: string; prepared: PreparedStep; found: FoundResult }
  | { status: 'run'; key: string | null; reason: string; prepared: PreparedStep | undefined; missing: string[] };

export const currentReason = 'outputs present and current';

/**
 * What a step needs, decided without running or downloading anything: its outputs on disk are
 * checked first, so a current step never touches the remote; then the remote is asked for a saved
 * result (a listing and a manifest read), and on a miss, why it missed.
 */
export async function assessStep(project: PipelineProject, command: PipelineCommand, context: StepContext, state: SkipState, upstream: UpstreamManifests): Promise<Assessment> {
  const missing = missingDeps(project, command, upstream);
  if (missing.length > 0) return { status: 'run', key: null, reason: missingReason(missing), prepared: undefined, missing };
  const { key, prepared } = await keyStep(project, command, context.environment, upstream);
  const run = (reason: string): Assessment => ({ status: 'run', key, reason, prepared, missing: [] });
  if (command.noSkip) return run('no_skip is set: it always runs');
  const declared = everyOutput(command);
  if (declared.length === 0) return run('it declares no outputs, so nothing says it is done: it always runs, as under Weasel');
  const recorded = state.get(command.name);
  if (isCurrent(recorded, key, await outputStamps(project.directory, declared))) return { status: 'skip', key, reason: currentReason, prepared };
  if (prepared === undefined) return run(uncachedReason(recorded?.key, key));
  try {
    const outputs = prepared.outputs.map((output) => output.relative);
    const outcome = await findResult(context.remote, key, outputs, context.scope.read, context.concurrency);
    if (outcome.found !== undefined) return { status: 'hit', key, reason: `a saved result in scope "${outcome.found.scope}" of ${context.remote.display}`, prepared, found: outcome.found };
    return run((await explainMiss(prepared, context, outcome.reason)).explanation.reason);
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'other') throw error;
    if (failure.kind === 'remote' && context.failOnCacheError) throw new CacheFailure(`the remote failed while looking for ${command.name}'s saved result: ${failure.message} (fail-on-cache-error is set)`);
    // A remote that cannot answer never stops the pipeline: the step runs, as on a miss.
    return run(`the remote could not be asked for a saved result: ${failure.message}`);
  }
}

export function missingReason(missing: readonly string[]): string {
  const list = missing.map((dep) => `"${dep}"`).join(', ');
  return (
    `missing ${missing.length === 1 ? 'dep' : 'deps'} ${list}: ${missing.length === 1 ? 'it may be an asset' : 'they may be assets'} ` +
    '(stoat does not fetch assets: run `weasel assets`) or the outputs of a command not selected (name it too)'
  );
}

function uncachedReason(before: string | undefined, key: string): string {
  if (before === undefined) return 'its outputs are not cached (outputs_no_cache) and it has not run here yet';
  if (before !== key) return 'its outputs are not cached (outputs_no_cache) and its key changed since it ran';
  return 'its outputs are not cached (outputs_no_cache) and they changed or are missing since it ran';
}
