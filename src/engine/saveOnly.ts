import { type StepReport } from '../core/stepReport.js';
import { prepareStep } from './prepareStep.js';
import { startReport } from './restoreStep.js';
import { type SaveOptions, saveStep } from './saveStep.js';
import { type StepContext } from './stepContext.js';
import { type StepDefinition } from './stepDefinition.js';

/**
 * Hash the inputs as they are now and save the outputs under that key: the save faces, for a
 * command that ran elsewhere. (The Action's `command` mode instead saves under the key computed
 * before the command ran, in case the command changed its own inputs.)
 */
export async function saveOnly(definition: StepDefinition, context: StepContext, options: SaveOptions): Promise<StepReport> {
  const prepared = await prepareStep(definition, context.environment);
  return saveStep(definition, startReport(prepared, context), context, options);
}
