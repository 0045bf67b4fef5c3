import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { type StepReport } from '../core/stepReport.js';
import { renderSummary } from '../report/summaryMarkdown.js';
import { renderText } from '../report/terminalSummary.js';

export interface PublishOptions {
  summary: boolean;
  title?: string;
  /** Where to write the JSON report; a new file under RUNNER_TEMP when not given. */
  reportPath?: string;
}

/** Writes the JSON report, the step's outputs, warning annotations, the log lines and the job summary. */
export async function publishReport(report: StepReport, environment: NodeJS.ProcessEnv, options: PublishOptions): Promise<string> {
  const reportPath = options.reportPath ?? newReportPath(environment);
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput('hit', report.status === 'hit' ? 'true' : 'false');
  core.setOutput('status', report.status);
  core.setOutput('key', report.key);
  core.setOutput('report', reportPath);
  for (const warning of report.warnings) core.warning(warning);
  core.info(renderText(report));
  if (options.summary) await core.summary.addRaw(renderSummary(report, { title: options.title })).write();
  return reportPath;
}

/** Until there is a report, `hit` still says something: a failed step did not restore. */
export function publishFailure(): void {
  core.setOutput('hit', 'false');
  core.setOutput('status', 'error');
}

function newReportPath(environment: NodeJS.ProcessEnv): string {
  const folder = join(environment.RUNNER_TEMP ?? tmpdir(), 'stoat');
  mkdirSync(folder, { recursive: true });
  return join(folder, `report-${randomBytes(6).toString('hex')}.json`);
}
