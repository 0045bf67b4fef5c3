import { type StepReport } from '../core/stepReport.js';
import { isSaveOnly } from './saveOnlyReport.js';
import { formatBytes, formatDuration } from './units.js';

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const verdicts = { hit: 'hit', miss: 'miss', error: 'remote error' } as const;

/**
 * A few plain lines for a log or a terminal: the verdict, the key, the store and each output. Each
 * element is one line; the face that prints them makes each printable, so a field that holds a line
 * break (an error body from a remote) stays inside its line.
 */
export function terminalSummaryLines(report: StepReport): string[] {
  const durations = report.durations_ms;
  const timing = `hash ${formatDuration(durations.hash)}, restore ${formatDuration(durations.restore)}, run ${formatDuration(durations.run)}, save ${formatDuration(durations.save)}`;
  const inputBytes = report.inputs.reduce((total, input) => total + input.size, 0);
  const lines = [
    verdictLine(report),
    `  key ${report.key} (scope ${report.scope}; reads ${report.read_scopes.join(', ')})`,
    `  remote ${report.remote}`,
    `  inputs: ${countOf(report.inputs.length, 'file')}, ${formatBytes(inputBytes)}`,
  ];
  if (report.ran) lines.push(`  ran the command: exit code ${report.exit_code}`);
  for (const output of report.outputs) {
    const moved = output.status === 'not-saved' ? '' : `, ${formatBytes(output.transferred_bytes)} transferred`;
    lines.push(`  output ${output.path}: ${output.status.replace('-', ' ')}, ${countOf(output.files, 'file')}, ${formatBytes(output.bytes)}${moved}`);
  }
  lines.push(`  save: ${report.save}`, `  time: ${timing}`);
  return lines;
}

/**
 * A run that only saves never looked for a saved result, so it has no reason to give: what it did
 * with the outputs is its verdict.
 */
function verdictLine(report: StepReport): string {
  if (isSaveOnly(report)) return report.status === 'error' ? `stoat: remote error: the save ${report.save}` : `stoat: save only: ${report.save}`;
  return `stoat: ${verdicts[report.status]}: ${report.reason}`;
}

