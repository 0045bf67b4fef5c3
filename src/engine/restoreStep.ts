import { CacheFailure, classifyFailure } from '../core/errors.js';
import { sameKeyExplanation } from '../core/missExplanation.js';
import { type RestoredFrom, saveNotAttempted, type StepReport } from '../core/stepReport.js';
import { findResult, type FoundResult } from '../store/findResult.js';
import { explainMiss } from './explainMiss.js';
import { outputReport } from './outputReport.js';
import { restoreOutputs } from '../store/restoreOutputs.js';
import { type PreparedStep } from './prepareStep.js';
import { type StepContext } from './stepContext.js';

/** The report of a step before anything is restored, run or saved. */
export function startReport(prepared: PreparedStep, context: StepContext): StepReport {
  return {
    status: 'miss',
    reason: '',
    key: prepared.key,
    scope: context.scope.write,
    read_scopes: context.scope.read,
    restored_scope: null,
    remote: context.remote.display,
    command: prepared.definition.command,
    ran: false,
    exit_code: null,
    save: saveNotAttempted,
    inputs: prepared.inputs,
    outputs: prepared.outputs.map((output) => ({ path: output.relative, status: 'not-saved', tree: null, files: 0, bytes: 0, transferred_bytes: 0, manifest: null })),
    durations_ms: { hash: Math.round(prepared.hashMs), restore: 0, run: 0, save: 0 },
    warnings: [...prepared.warnings],
    damaged_objects: [],
    restored_from: null,
    explanation: null,
  };
}

/**
 * Looks for a saved result and restores it. A missing or damaged entry is a miss with its reason;
 * a remote that fails is an error (a warning, or a failure under fail-on-cache-error).
 */
export async function restoreStep(prepared: PreparedStep, context: StepContext): Promise<StepReport> {
  const report = startReport(prepared, context);
  const started = performance.now();
  try {
    const outputs = prepared.outputs.map((output) => output.relative);
    const outcome = await findResult(context.remote, prepared.key, outputs, context.scope.read, context.concurrency);
    report.warnings.push(...outcome.unusable);
    if (outcome.found === undefined) {
      report.reason = outcome.reason;
      const explained = await explainMiss(prepared, context, outcome.reason);
      report.explanation = explained.explanation;
      report.inputs = explained.inputs;
    } else {
      const restored = await restoreOutputs({
        remote: context.remote,
        workingDirectory: prepared.definition.workingDirectory,
        outputs: prepared.outputs,
        found: outcome.found,
        concurrency: context.concurrency,
        progress: context.progress,
      });
      report.status = 'hit';
      report.restored_scope = outcome.found.scope;
      report.reason = `restored from scope "${outcome.found.scope}" of ${context.remote.display}`;
      report.save = 'not needed: restored';
      report.outputs = restored.map((output) => outputReport(output, 'restored'));
      report.restored_from = restoredFrom(outcome.found);
    }
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'other') throw error;
    if (failure.kind === 'remote') {
      report.status = 'error';
      report.reason = `the remote failed while restoring: ${failure.message}`;
      if (context.failOnCacheError) throw new CacheFailure(`${report.reason} (fail-on-cache-error is set)`);
    } else if (failure.kind === 'local') {
      // This machine's disk, not the remote: the step runs as on a miss, and fail-on-cache-error does not apply.
      report.reason = `the saved result could not be written to this machine's disk: ${failure.message}`;
      report.explanation = sameKeyExplanation(report.reason);
    } else {
      report.reason = `the saved result could not be restored: ${failure.message}`;
      report.explanation = sameKeyExplanation(report.reason);
      // A missing object is repaired like a damaged one: the next save writes it again.
      if (failure.object !== undefined) report.damaged_objects.push(failure.object);
    }
    report.warnings.push(report.reason);
  } finally {
    report.durations_ms.restore = Math.round(performance.now() - started);
  }
  return report;
}

/** Every manifest of a found result comes from one save, so any of them says where it came from. */
function restoredFrom(found: FoundResult): RestoredFrom {
  const { provenance } = found.manifests.values().next().value!.manifest;
  const { commit, ref, run, repository, created, duration_ms } = provenance;
  return { scope: found.scope, commit, ref, run, repository, created, duration_ms };
}
