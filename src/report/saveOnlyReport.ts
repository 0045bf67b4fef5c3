import { saveNotAttempted, type StepReport } from '../core/stepReport.js';

/**
 * Whether a report is that of a save: `stoat save` and the save sub-action (no restore was tried,
 * so there is no reason for a hit or a miss), and the post step of `command` mode, which saves what
 * the workflow's own step made after main looked for a result. No command ran in this step.
 */
export function isSaveOnly(report: StepReport): boolean {
  return !report.ran && report.status !== 'hit' && (report.reason === '' || report.save !== saveNotAttempted);
}

/** A save whose step did look for a result first (command mode's post): the input-hash report is main's to show. */
export function isSaveAfterLookup(report: StepReport): boolean {
  return isSaveOnly(report) && report.reason !== '';
}
