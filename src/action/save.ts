import { saveOnly } from '../engine/saveOnly.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { closeHashPool } from '../hashing/index.js';
import { failAction } from './failAction.js';
import { publishReport } from './publishReport.js';

/** The save sub-action: save the outputs under the key of the inputs as they are now. */
export async function run(): Promise<void> {
  try {
    const inputs = readActionInputs(process.env, ['command']);
    const report = await saveOnly(inputs.definition, await actionContext(inputs, process.env), { policy: inputs.save, runMs: null });
    await publishReport(report, process.env, { summary: inputs.summary });
  } catch (error) {
    failAction(error);
  } finally {
    await closeHashPool();
  }
}
