import { saveOnly } from '../engine/saveOnly.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { publishReport } from './publishReport.js';
import { runActionStep } from './runActionStep.js';

/** The save sub-action: save the outputs under the key of the inputs as they are now. */
export async function run(): Promise<void> {
  await runActionStep(async () => {
    const inputs = readActionInputs(process.env, ['command']);
    const report = await saveOnly(inputs.definition, await actionContext(inputs, process.env), { policy: inputs.save, runMs: null });
    await publishReport(report, process.env, { summary: inputs.summary, subAction: true });
  });
}
