import { type StepReport } from '../core/stepReport.js';

/**
 * Whether a report is that of a save on its own (`stoat save`, the save sub-action): no restore was
 * tried, so there is no reason for a hit or a miss, and no command ran.
 */
export function isSaveOnly(report: StepReport): boolean {
  return report.reason === '' && !report.ran && report.status !== 'hit';
}
