import { dirname } from 'node:path';
import { compareStrings } from '../core/commandKey.js';
import { type DeclaredPath, resolveDeclaredPath } from '../core/declaredPath.js';
import { envDigests } from '../core/envDigest.js';
import { CacheFailure, classifyFailure, RemoteGaveUpError, UsageError } from '../core/errors.js';
import { snapshotOutput } from '../workspace/outputSnapshot.js';
import { findOutsideLink } from '../workspace/outsideLink.js';
import { printable } from '../core/printable.js';
import { type StepReport } from '../core/stepReport.js';
import { saveOutputs } from '../store/saveOutputs.js';
import { removeStaleStaging } from '../store/staleStaging.js';
import { outputReport } from './outputReport.js';
import { collectProvenance } from './provenance.js';
import { type StepContext } from './stepContext.js';
import { type SavePolicy, type StepDefinition } from './stepDefinition.js';

export interface SaveOptions {
  policy: SavePolicy;
  /** How long the command took, for the provenance. */
  runMs: number | null;
}

/** Why a run does not save, or undefined when it should. */
export function reasonNotToSave(report: StepReport, context: StepContext, policy: SavePolicy): string | undefined {
  if (report.status === 'hit') return 'not needed: restored';
  if (policy === 'never') return 'skipped: save is "never"';
  if (policy === 'auto' && context.scope.fork) return 'skipped: a pull request from a fork does not save under save "auto" (set save "always" to save into its own scope)';
  return undefined;
}

/**
 * Saves the outputs under the report's key. Every output is found, checked and hashed before the
 * first byte is sent, so an output the command did not produce, one reached through a link out of
 * the working directory, or one with names no restore accepts stops the save with nothing written.
 */
export async function saveStep(definition: StepDefinition, report: StepReport, context: StepContext, options: SaveOptions): Promise<StepReport> {
  const skip = reasonNotToSave(report, context, options.policy);
  if (skip !== undefined) return { ...report, save: skip };
  const started = performance.now();
  const declared = definition.outputs.map((output) => resolveDeclaredPath(definition.workingDirectory, output, 'output'));
  for (const output of declared) {
    await refuseOutsideLink(definition.workingDirectory, output);
    await removeStaleStaging(dirname(output.absolute), output.relative);
  }
  const snapshots = [];
  for (const output of declared) snapshots.push(await snapshotOutput(output));
  const result: StepReport = { ...report, warnings: [...report.warnings] };
  try {
    const saved = await saveOutputs({
      remote: context.remote,
      key: report.key,
      scope: context.scope.write,
      readScopes: context.scope.read,
      snapshots,
      inputs: report.inputs.map((input) => ({ path: input.path, size: input.size, sha256: input.sha256 })),
      command: report.command,
      env: definition.env,
      // In command mode post reads the environment main read: a value changed in between is not in
      // the key, and the digests would show it on the next miss.
      envSha256: envDigests(definition.env, context.environment),
      outputs: declared.map((output) => output.relative).sort(compareStrings),
      extra: definition.keyExtra,
      provenance: await collectProvenance(definition.workingDirectory, context.github, options.runMs),
      concurrency: context.concurrency,
      damaged: new Set(report.damaged_objects),
      progress: context.progress,
    });
    result.save = `saved into scope "${context.scope.write}"`;
    result.outputs = saved.map((output) => outputReport(output, output.written ? 'saved' : 'already-saved'));
    for (const output of saved.filter((each) => each.indexProblem !== undefined)) {
      result.warnings.push(
        `output "${printable(output.output)}" was saved, but its save was not added to the index of saves (${output.indexProblem}): ` +
          'explaining a later miss will list every manifest of the output instead; let the remote take writes under stoat/v1/outputs/ (SECURITY.md)',
      );
    }
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind !== 'remote') throw error;
    // The restore of this step already warned that the remote is down: once is enough.
    const warnedAlready = error instanceof RemoteGaveUpError && report.status === 'error';
    result.status = 'error';
    result.save = `failed: ${failure.message}`;
    if (!warnedAlready) result.warnings.push(`the remote failed while saving, so nothing was saved: ${failure.message}`);
    if (context.failOnCacheError) throw new CacheFailure(`${result.save} (fail-on-cache-error is set)`);
  } finally {
    result.durations_ms = { ...result.durations_ms, save: Math.round(performance.now() - started) };
  }
  return result;
}

/**
 * An output reached through a link that leads out of the working directory would upload files
 * from elsewhere (`home -> /home/runner`, `outputs: home/.ssh`); restore refuses the same layout.
 */
async function refuseOutsideLink(workingDirectory: string, output: DeclaredPath): Promise<void> {
  const outside = await findOutsideLink(workingDirectory, output.absolute);
  if (outside === undefined) return;
  const what = `output "${printable(output.relative)}"`;
  const where = outside.link === output.relative ? 'is' : `is below ${printable(outside.link)}, which is`;
  if (outside.target === undefined) {
    throw new UsageError(`${what} ${where} a symbolic link that cannot be followed (${outside.code}): remove it or fix its target`);
  }
  throw new UsageError(
    `${what} ${where} a symbolic link to ${printable(outside.target)}, outside the working directory ${workingDirectory}: ` +
      'stoat saves only files inside the working directory; copy the files in, or make the link a real folder',
  );
}
