import { executeStep } from '../engine/executeStep.js';
import { restoreOnly } from '../engine/restoreOnly.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { closeHashPool } from '../hashing/index.js';
import { failAction } from './failAction.js';
import { publishReport } from './publishReport.js';
import { saveStepState } from './stepState.js';
import * as core from '@actions/core';

/** `run` mode: restore, or run and save. `command` mode: restore now, save in post. */
export async function run(): Promise<void> {
  try {
    const inputs = readActionInputs(process.env, ['run', 'command']);
    const context = await actionContext(inputs, process.env);
    const report = inputs.mode === 'run' ? await executeStep(inputs.definition, context, inputs.save) : await restoreOnly(inputs.definition, context);
    const reportPath = await publishReport(report, process.env, { summary: inputs.summary });
    saveStepState({ mode: inputs.mode, reportPath });
    if (report.exit_code !== null && report.exit_code !== 0) core.setFailed(`the command failed with exit code ${report.exit_code}; nothing was saved`);
  } catch (error) {
    failAction(error);
  } finally {
    await closeHashPool();
  }
}
