import { type StepReport } from '../core/stepReport.js';
import { prepareStep } from './prepareStep.js';
import { restoreStep } from './restoreStep.js';
import { runScript } from './runScript.js';
import { saveStep } from './saveStep.js';
import { type StepContext } from './stepContext.js';
import { type SavePolicy, type StepDefinition } from './stepDefinition.js';

/** Restore, and on a miss run the script and save: the Action's `run` mode and `stoat exec`. */
export async function executeStep(definition: StepDefinition, context: StepContext, policy: SavePolicy): Promise<StepReport> {
  const prepared = await prepareStep(definition, context.environment);
  const restored = await restoreStep(prepared, context);
  if (restored.status === 'hit') return restored;
  const started = performance.now();
  const exitCode = await runScript(definition.command, definition.workingDirectory, context.environment, context.commandOutput);
  const runMs = performance.now() - started;
  const ran: StepReport = { ...restored, ran: true, exit_code: exitCode, durations_ms: { ...restored.durations_ms, run: Math.round(runMs) } };
  if (exitCode !== 0) return { ...ran, save: `skipped: the command failed with exit code ${exitCode}` };
  return saveStep(definition, ran, context, { policy, runMs });
}
