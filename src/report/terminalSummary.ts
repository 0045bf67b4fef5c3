import { type StepReport } from '../core/stepReport.js';
import { changedInputsWarning, explanationLines, originText } from './explanationText.js';
import { isSaveOnly } from './saveOnlyReport.js';
import { formatBytes, formatDuration } from './units.js';

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const verdicts = { hit: 'hit', miss: 'miss', error: 'remote error' } as const;

/** What a line says, for a face that colours lines on a terminal. */
export type LineTone = 'hit' | 'miss' | 'error' | 'why' | 'plain';

export interface TerminalLine {
  text: string;
  tone: LineTone;
}

/**
 * A few plain lines for a log or a terminal: the verdict, on a miss why (what changed since the
 * nearest earlier result), the key, the store and each output. Each element is one line; the face
 * that prints them makes each printable, so a field that holds a line break (an error body from a
 * remote) stays inside its line.
 */
export function terminalSummary(report: StepReport, nowMs = Date.now()): TerminalLine[] {
  const durations = report.durations_ms;
  const timing = `hash ${formatDuration(durations.hash)}, restore ${formatDuration(durations.restore)}, run ${formatDuration(durations.run)}, save ${formatDuration(durations.save)}`;
  const inputBytes = report.inputs.reduce((total, input) => total + input.size, 0);
  // The key follows the verdict at once: scripts find the verdict as the line before it.
  const lines: TerminalLine[] = [
    { text: verdictLine(report), tone: isSaveOnly(report) ? (report.status === 'error' ? 'error' : 'plain') : report.status },
    { text: `  key ${report.key} (scope ${report.scope}; reads ${report.read_scopes.join(', ')})`, tone: 'plain' },
  ];
  if (report.explanation !== null && !isSaveOnly(report)) {
    lines.push(...explanationLines(report.explanation, nowMs).map((text): TerminalLine => ({ text: `  ${text}`, tone: 'why' })));
    const changed = changedInputsWarning(report.inputs);
    if (changed !== undefined) lines.push({ text: `  ${changed}`, tone: 'why' });
  }
  if (report.restored_from !== null) lines.push({ text: `  restored the result saved ${originText(report.restored_from, nowMs)}`, tone: 'plain' });
  const plain = [
    `  remote ${report.remote}`,
    `  inputs: ${countOf(report.inputs.length, 'file')}, ${formatBytes(inputBytes)}`,
  ];
  if (report.ran) plain.push(`  ran the command: exit code ${report.exit_code}`);
  for (const output of report.outputs) {
    const moved = output.status === 'not-saved' ? '' : `, ${formatBytes(output.transferred_bytes)} transferred`;
    plain.push(`  output ${output.path}: ${output.status.replace('-', ' ')}, ${countOf(output.files, 'file')}, ${formatBytes(output.bytes)}${moved}`);
  }
  plain.push(`  save: ${report.save}`, `  time: ${timing}`);
  return [...lines, ...plain.map((text): TerminalLine => ({ text, tone: 'plain' }))];
}

/** The lines alone, for a log that has no colour. */
export function terminalSummaryLines(report: StepReport): string[] {
  return terminalSummary(report).map((line) => line.text);
}

/**
 * A run that only saves never looked for a saved result, so it has no reason to give: what it did
 * with the outputs is its verdict.
 */
function verdictLine(report: StepReport): string {
  if (isSaveOnly(report)) return report.status === 'error' && report.save.startsWith('failed') ? `stoat: remote error: the save ${report.save}` : `stoat: save only: ${report.save}`;
  return `stoat: ${verdicts[report.status]}: ${report.reason}`;
}
