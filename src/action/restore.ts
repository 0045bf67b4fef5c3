import { restoreOnly } from '../engine/restoreOnly.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { publishReport } from './publishReport.js';
import { runActionStep } from './runActionStep.js';

/** The restore sub-action: restore if a saved result exists, and say so in `hit`. */
export async function run(): Promise<void> {
  await runActionStep(async () => {
    const inputs = readActionInputs(process.env, ['command']);
    const report = await restoreOnly(inputs.definition, await actionContext(inputs, process.env));
    await publishReport(report, process.env, { summary: inputs.summary, subAction: true });
  });
}
