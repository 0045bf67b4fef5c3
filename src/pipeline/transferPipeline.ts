import { errorMessage } from '../core/errors.js';
import { type PipelineCommand } from '../core/pipelineProject.js';
import { restoreStep, startReport } from '../engine/restoreStep.js';
import { saveStep } from '../engine/saveStep.js';
import { missingReason } from './assessStep.js';
import { type StepRunSettings } from './executePlannedStep.js';
import { isCurrent, outputStamps } from './skipState.js';
import { everyOutput, keyStep, missingDeps, stepDefinitionOf } from './stepKey.js';

/** What `stoat push` or `stoat pull` did with a command. */
export interface TransferOutcome {
  name: string;
  status: 'saved' | 'already-saved' | 'restored' | 'current' | 'skipped' | 'failed';
  reason: string;
}

/**
 * `stoat push`: saves the cached outputs of every command given whose outputs are present and were
 * made from its deps as they are now. Outputs stoat's state says were made under another key are
 * left alone (they would be saved under a key that did not make them); outputs made outside stoat
 * (by `weasel run`) are saved under the key of the deps present, as Weasel's push does.
 */
export async function pushPipeline(commands: readonly PipelineCommand[], settings: StepRunSettings): Promise<TransferOutcome[]> {
  const outcomes: TransferOutcome[] = [];
  for (const command of commands) outcomes.push(await guarded(command, () => pushCommand(command, settings)));
  return outcomes;
}

async function pushCommand(command: PipelineCommand, settings: StepRunSettings): Promise<TransferOutcome> {
  const { project, context, state } = settings;
  const name = command.name;
  if (command.outputs.length === 0) return { name, status: 'skipped', reason: 'it has no cached outputs' };
  const missing = missingDeps(project, command, new Map());
  if (missing.length > 0) return { name, status: 'skipped', reason: missingReason(missing) };
  const stamps = await outputStamps(project.directory, command.outputs);
  if (stamps === undefined) return { name, status: 'skipped', reason: `its outputs are not all present: run it first (stoat run ${name})` };
  const { key, prepared } = await keyStep(project, command, context.environment, new Map());
  const recorded = state.get(name);
  if (recorded !== undefined && !isCurrent(recorded, key, await outputStamps(project.directory, everyOutput(command)))) {
    return { name, status: 'skipped', reason: `its outputs were made from other deps or changed since: run it first (stoat run ${name})` };
  }
  const report = await saveStep(stepDefinitionOf(project, command), startReport(prepared!, context), context, { policy: settings.policy, runMs: recorded?.runMs ?? null });
  if (!report.save.startsWith('saved')) return { name, status: report.status === 'error' ? 'failed' : 'skipped', reason: report.save };
  const written = report.outputs.some((output) => output.status === 'saved');
  return { name, status: written ? 'saved' : 'already-saved', reason: report.save };
}

/**
 * `stoat pull`: restores every command given that has a saved result for its deps as they are on
 * disk, again and again until a pass restores nothing, so outputs whose deps are the outputs of
 * another command come too, whatever the order of the file.
 */
export async function pullPipeline(commands: readonly PipelineCommand[], settings: StepRunSettings): Promise<TransferOutcome[]> {
  const outcomes = new Map<string, TransferOutcome>();
  let restoredAny = true;
  while (restoredAny) {
    restoredAny = false;
    for (const command of commands) {
      const earlier = outcomes.get(command.name);
      if (earlier !== undefined && earlier.status !== 'skipped') continue;
      const outcome = await guarded(command, () => pullCommand(command, settings));
      outcomes.set(command.name, outcome);
      if (outcome.status === 'restored') restoredAny = true;
    }
  }
  return commands.map((command) => outcomes.get(command.name)!);
}

async function pullCommand(command: PipelineCommand, settings: StepRunSettings): Promise<TransferOutcome> {
  const { project, context, state } = settings;
  const name = command.name;
  if (command.outputs.length === 0) return { name, status: 'skipped', reason: 'it has no cached outputs' };
  const missing = missingDeps(project, command, new Map());
  if (missing.length > 0) return { name, status: 'skipped', reason: missingReason(missing) };
  const { key, prepared } = await keyStep(project, command, context.environment, new Map());
  const recorded = state.get(name);
  if (isCurrent(recorded, key, await outputStamps(project.directory, everyOutput(command)))) return { name, status: 'current', reason: 'outputs present and current' };
  const report = await restoreStep(prepared!, context);
  if (report.status !== 'hit') return { name, status: report.status === 'error' ? 'failed' : 'skipped', reason: report.reason };
  const duration = report.restored_from?.duration_ms ?? null;
  const files = await outputStamps(project.directory, command.outputs);
  await state.set(name, files === undefined ? undefined : { key, files, runMs: duration });
  return { name, status: 'restored', reason: report.reason };
}

async function guarded(command: PipelineCommand, transfer: () => Promise<TransferOutcome>): Promise<TransferOutcome> {
  try {
    return await transfer();
  } catch (error) {
    return { name: command.name, status: 'failed', reason: errorMessage(error) };
  }
}
