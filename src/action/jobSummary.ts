import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { errorMessage } from '../core/errors.js';
import { renderJobTable } from '../report/jobTable.js';
import { logWarning } from './actionLog.js';
import { isLastPost, readJobRows } from './jobLedger.js';

/**
 * The table of every stoat step of the job, written once, by the job's last post step: posts run
 * after every main step, in reverse order, so the post of the first stoat step with one is the
 * last and sees every row. It goes at the top of that step's summary. A job with one stoat step
 * has its section and needs no table.
 */
export async function publishJobTable(environment: NodeJS.ProcessEnv): Promise<void> {
  if (core.getInput('summary').toLowerCase() === 'false') return;
  const rows = readJobRows(environment);
  if (rows.length < 2 || !isLastPost(rows, core.getState('stoat-row'))) return;
  const file = environment.GITHUB_STEP_SUMMARY;
  try {
    const written = file === undefined || file === '' ? '' : readFileSync(file, 'utf8');
    await core.summary.addRaw(`${renderJobTable(rows)}${written}`).write({ overwrite: true });
  } catch (error) {
    core.summary.emptyBuffer();
    logWarning(`the job's table of stoat steps was not written to the job summary (${errorMessage(error)}); each step's own section is there`);
  }
}
