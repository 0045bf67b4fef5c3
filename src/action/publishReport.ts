import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../core/errors.js';
import { type StepReport } from '../core/stepReport.js';
import { changedInputsWarning } from '../report/explanationText.js';
import { isSaveOnly } from '../report/saveOnlyReport.js';
import { renderSummary } from '../report/summaryMarkdown.js';
import { terminalSummaryLines } from '../report/terminalSummary.js';
import { logLines, logWarning } from './actionLog.js';
import { recordJobRow } from './jobLedger.js';
import { readCommentSettings, updatePullRequestComment } from './pullRequestComment.js';

export interface PublishOptions {
  summary: boolean;
  title?: string;
  /** Where to write the JSON report; a new file under RUNNER_TEMP when not given. */
  reportPath?: string;
  /** The Action's main entry, whose post step runs at the end of the job (the sub-actions have none). */
  hasPost?: boolean;
  /**
   * The restore or save sub-action: its row goes into the job's table, but it never writes the
   * pull-request comment, which only the main action writes (a `comment` given to it is ignored).
   */
  subAction?: boolean;
}

/**
 * Writes the JSON report, the step's outputs, warning annotations (inputs changed since the last
 * saved result used them among them), the log lines, the job summary, the step's row of the job's
 * table and, when asked for, the pull-request comment.
 */
export async function publishReport(report: StepReport, environment: NodeJS.ProcessEnv, options: PublishOptions): Promise<string> {
  const reportPath = options.reportPath ?? newReportPath(environment);
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('hit', report.status === 'hit' ? 'true' : 'false');
  core.setOutput('status', report.status);
  core.setOutput('key', report.key);
  core.setOutput('report', reportPath);
  for (const warning of report.warnings) logWarning(warning);
  const changed = changedInputsWarning(report.inputs);
  // A save after main's lookup repeats main's inputs, which main already warned of.
  if (changed !== undefined && !isSaveOnly(report)) logWarning(changed);
  logLines(terminalSummaryLines(report));
  if (options.summary) await writeSummary(renderSummary(report, { title: options.title }), environment, reportPath);
  const rows = recordJobRow(environment, report, options.hasPost ?? false);
  if (!options.subAction) await updatePullRequestComment(readCommentSettings(environment), rows, environment);
  return reportPath;
}

/**
 * The job summary is a view of a step that is already done: when its file cannot be written, the
 * outputs and the JSON report still hold the result, so that is a warning, not a failed step.
 */
export async function writeSummary(markdown: string, environment: NodeJS.ProcessEnv, reportPath: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.summary.emptyBuffer();
    const file = environment.GITHUB_STEP_SUMMARY === undefined ? 'GITHUB_STEP_SUMMARY is not set' : `GITHUB_STEP_SUMMARY is ${environment.GITHUB_STEP_SUMMARY}`;
    logWarning(
      `the job summary was not written (${file}; ${errorMessage(error)}): the step's outputs and the JSON report at ${reportPath} are complete; ` +
        'check that the runner gives this step a writable summary file',
    );
  }
}

/** Until there is a report, `hit` still says something: a failed step did not restore. */
export function publishFailure(): void {
  core.setOutput('hit', 'false');
  core.setOutput('status', 'error');
}

export function newReportPath(environment: NodeJS.ProcessEnv): string {
  const folder = join(environment.RUNNER_TEMP ?? tmpdir(), 'stoat');
  mkdirSync(folder, { recursive: true });
  return join(folder, `report-${randomBytes(6).toString('hex')}.json`);
}
