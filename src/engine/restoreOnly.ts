import { type StepReport } from '../core/stepReport.js';
import { prepareStep } from './prepareStep.js';
import { restoreStep } from './restoreStep.js';
import { type StepContext } from './stepContext.js';
import { type StepDefinition } from './stepDefinition.js';

/** Hash the inputs and restore, without running anything: `command` mode and the restore faces. */
export async function restoreOnly(definition: StepDefinition, context: StepContext): Promise<StepReport> {
  return restoreStep(await prepareStep(definition, context.environment), context);
}
