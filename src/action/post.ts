import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { type StepReport } from '../core/stepReport.js';
import { saveStep } from '../engine/saveStep.js';
import { actionContext } from './actionContext.js';
import { readActionInputs } from './actionInputs.js';
import { closeHashPool } from '../hashing/index.js';
import { failAction } from './failAction.js';
import { publishReport } from './publishReport.js';
import { loadStepState } from './stepState.js';

/** `command` mode: save what the workflow's own step produced, under the key main computed. */
export async function run(): Promise<void> {
  try {
    const state = loadStepState();
    if (state?.mode === 'command') {
      const report = JSON.parse(readFileSync(state.reportPath, 'utf8')) as StepReport;
      if (report.status === 'hit') {
        core.info('stoat: the outputs were restored, so there is nothing to save');
      } else {
        const inputs = readActionInputs(process.env, ['run', 'command']);
        const saved = await saveStep(inputs.definition, report, await actionContext(inputs, process.env), { policy: inputs.save, runMs: null });
        await publishReport(saved, process.env, { summary: inputs.summary, title: `${report.command[0] ?? ''} (save)`, reportPath: state.reportPath });
      }
    }
  } catch (error) {
    failAction(error);
  } finally {
    await closeHashPool();
  }
}
