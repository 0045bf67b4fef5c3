import { errorMessage } from '../core/errors.js';
import { type PipelineCommand, type PipelineProject } from '../core/pipelineProject.js';
import { type StepReport } from '../core/stepReport.js';
import { type OutputSink } from '../engine/outputSink.js';
import { restoreStep, startReport } from '../engine/restoreStep.js';
import { runWords } from '../engine/runScript.js';
import { saveStep } from '../engine/saveStep.js';
import { type StepContext } from '../engine/stepContext.js';
import { type SavePolicy } from '../engine/stepDefinition.js';
import { type Assessment } from './assessStep.js';
import { outputStamps, type SkipState } from './skipState.js';
import { type StepOutcome } from './stepOutcome.js';
import { everyOutput, keyStep, stepDefinitionOf } from './stepKey.js';
import { comparablePath, pathsOverlap } from '../core/pipelineEdges.js';

export interface StepRunSettings {
  project: PipelineProject;
  context: StepContext;
  state: SkipState;
  policy: SavePolicy;
}

/**
 * Carries out what a step's assessment decided: a skip does nothing; a hit is restored when wanted
 * (and runs when the restore fails); a run runs the script without a shell, saves the cached
 * outputs, and records what the outputs were made under. The engine's restore and save rules apply
 * unchanged. A step's failure is its outcome, never an exception: the steps beside it go on.
 */
export async function executePlannedStep(command: PipelineCommand, assessment: Assessment, restore: boolean, settings: StepRunSettings, sink: OutputSink, mayRun = true): Promise<Omit<StepOutcome, 'duration_ms'>> {
  const base = { name: command.name, key: assessment.key, warnings: [] as string[] };
  try {
    if (assessment.status === 'skip') return { ...base, status: 'skipped', reason: assessment.reason, saved_ms: settings.state.get(command.name)?.runMs ?? null };
    if (assessment.status === 'hit') {
      const duration = assessment.found.manifests.values().next().value?.manifest.provenance.duration_ms ?? null;
      if (!restore) return { ...base, status: 'skipped', reason: `${assessment.reason}; not restored, as no step that runs reads it (--pull all restores it)`, saved_ms: duration };
      const report = await restoreStep(assessment.prepared, settings.context);
      if (report.status === 'hit') {
        await record(command, settings, assessment.key, duration);
        return { ...base, status: 'restored', reason: report.reason, saved_ms: duration === null ? null : Math.max(0, duration - report.durations_ms.restore), warnings: report.warnings, report };
      }
      // A step this job may only restore (stoat run --step's upstream) is not run in its place.
      if (!mayRun) return { ...base, status: 'not-run', reason: `not run here: its saved result could not be restored (${report.reason}), and only the steps named may run in this job`, saved_ms: null, warnings: report.warnings };
      return await runCommand(command, { ...base, warnings: report.warnings, reason: report.explanation?.reason ?? report.reason }, report, settings, sink);
    }
    if (assessment.missing.length > 0) return { ...base, status: 'failed', reason: assessment.reason, saved_ms: null };
    const report = assessment.prepared === undefined ? undefined : { ...startReport(assessment.prepared, settings.context), reason: assessment.reason };
    return await runCommand(command, { ...base, reason: assessment.reason }, report, settings, sink);
  } catch (error) {
    return { ...base, status: 'failed', reason: errorMessage(error), saved_ms: null };
  }
}

/** What is known of a step before its command runs: its key, why it runs, and the warnings so far. */
type Base = Pick<StepOutcome, 'name' | 'key' | 'warnings' | 'reason'>;

async function runCommand(command: PipelineCommand, base: Base, report: StepReport | undefined, settings: StepRunSettings, sink: OutputSink): Promise<Omit<StepOutcome, 'duration_ms'>> {
  const { project, context, state } = settings;
  const started = performance.now();
  const exitCode = await runWords(command.script, project.directory, context.environment, sink);
  const runMs = Math.round(performance.now() - started);
  if (exitCode !== 0) {
    // Half-written outputs are no longer what any key made.
    await state.set(command.name, undefined);
    return { ...base, status: 'failed', reason: `the command failed with exit code ${exitCode}`, saved_ms: null };
  }
  const warnings = [...base.warnings];
  let saved: StepReport | undefined;
  if (report !== undefined) {
    const ran: StepReport = { ...report, ran: true, exit_code: 0, durations_ms: { ...report.durations_ms, run: runMs } };
    saved = await saveStep(stepDefinitionOf(project, command), ran, context, { policy: settings.policy, runMs });
    warnings.push(...saved.warnings.filter((warning) => !report.warnings.includes(warning)));
  }
  if (base.key !== null) await record(command, settings, base.key, runMs);
  return { ...base, warnings, status: 'ran', saved_ms: null, report: saved };
}

/**
 * Records the outputs now in place under the key they were made or restored under. A command that
 * rewrites its deps in place has changed its own key by running: the key of the deps as they are
 * now is the one the next run computes, so that one is recorded (Weasel hashes deps after the run too).
 */
async function record(command: PipelineCommand, settings: StepRunSettings, key: string, runMs: number | null): Promise<void> {
  if (rewritesDeps(command)) key = (await keyStep(settings.project, command, settings.context.environment, new Map())).key;
  const files = await outputStamps(settings.project.directory, everyOutput(command));
  await settings.state.set(command.name, files === undefined ? undefined : { key, files, runMs });
}

function rewritesDeps(command: PipelineCommand): boolean {
  const outputs = everyOutput(command).map(comparablePath);
  return command.deps.some((dep) => outputs.some((output) => pathsOverlap(comparablePath(dep), output)));
}
