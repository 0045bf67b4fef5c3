import * as core from '@actions/core';
import { saveStep } from '../engine/saveStep.js';
import { actionContext } from './actionContext.js';
import { publishJobTable } from './jobSummary.js';
import { readActionInputs } from './actionInputs.js';
import { publishReport } from './publishReport.js';
import { runActionStep } from './runActionStep.js';
import { loadStepState, readStateReport } from './stepState.js';

/**
 * `command` mode: save what the workflow's own step produced, under the key main computed. In any
 * mode, the job's last post step writes the table of every stoat step of the job.
 */
export async function run(): Promise<void> {
  await runActionStep(async () => {
    try {
      await saveAfterCommand();
    } finally {
      await publishJobTable(process.env);
    }
  });
}

async function saveAfterCommand(): Promise<void> {
  const state = loadStepState();
  if (state.mode !== 'command') return;
  if (state.status === 'hit') {
    core.info('stoat: the outputs were restored, so there is nothing to save');
    return;
  }
  const report = readStateReport(state);
  const inputs = readActionInputs(process.env, ['run', 'command']);
  const saved = await saveStep(inputs.definition, report, await actionContext(inputs, process.env), { policy: inputs.save, runMs: null });
  await publishReport(saved, process.env, { summary: inputs.summary, title: `${report.command[0] ?? ''} (save)`, reportPath: state.reportPath });
}
