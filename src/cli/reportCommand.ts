import { appendFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { fanOutReport } from '../pipeline/fanOutReport.js';
import { type CommandOutcome } from './commandOutcome.js';
import { parseOptions } from './parseOptions.js';

const reportOptionSpecs = {
  summary: { type: 'string' },
  outputs: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/**
 * `stoat report FOLDER [--summary FILE] [--outputs FILE]`: a pipeline run spread over jobs, put back
 * together from the plan and each job's report. The summary is written to FILE (else printed); `hit`
 * and `ran` are appended to --outputs in the GITHUB_OUTPUT format. Exits 1 when a step failed or did
 * not run.
 */
export async function reportCommand(args: string[]): Promise<CommandOutcome> {
  const options = parseOptions(args, reportOptionSpecs, 'report');
  if (options.values.help) return { help: 'report' };
  if (options.positionals.length !== 1) throw new UsageError(`stoat report needs one folder (it was given ${options.positionals.length}): the one holding plan.json and steps/*.json`);
  const report = await fanOutReport(options.positionals[0]!);
  const { summary, outputs } = options.values;
  if (summary !== undefined) await writeFile(summary, report.markdown);
  if (outputs !== undefined) await appendFile(outputs, `hit=${report.hit}\nran=${JSON.stringify(report.ran)}\n`);
  const failed = report.failed.length === 0 ? [] : [`stoat report: ${report.failed.join(', ')} failed or did not run`];
  return { lines: summary === undefined ? [...report.markdown.trimEnd().split('\n'), ...failed] : failed, exitCode: report.failed.length === 0 ? 0 : 1 };
}
