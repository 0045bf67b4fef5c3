import * as core from '@actions/core';
import { executeStep } from '../engine/executeStep.js';
import { restoreOnly } from '../engine/restoreOnly.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { runPipelineAction } from './pipelineAction.js';
import { publishReport } from './publishReport.js';
import { runActionStep } from './runActionStep.js';
import { saveStepState } from './stepState.js';

/**
 * `run` mode: restore, or run and save. `command` mode: restore now, save in post. `project`: run a
 * pipeline, each step restored or run and saved as it goes.
 */
export async function run(): Promise<void> {
  await runActionStep(async () => {
    if (core.getInput('project') !== '') {
      saveStepState({ mode: 'pipeline' });
      await runPipelineAction(process.env);
      return;
    }
    const inputs = readActionInputs(process.env, ['run', 'command']);
    const context = await actionContext(inputs, process.env);
    const report = inputs.mode === 'run' ? await executeStep(inputs.definition, context, inputs.save) : await restoreOnly(inputs.definition, context);
    const reportPath = await publishReport(report, process.env, { summary: inputs.summary, hasPost: true });
    saveStepState({ mode: inputs.mode, reportPath, key: report.key, status: report.status });
    if (report.exit_code !== null && report.exit_code !== 0) core.setFailed(`the command failed with exit code ${report.exit_code}; nothing was saved`);
  });
}
