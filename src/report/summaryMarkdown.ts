import { type OutputReport, type OutputStatus, type StepReport } from '../core/stepReport.js';
import { renderInputHashReport } from './inputHashReport.js';
import { isSaveOnly } from './saveOnlyReport.js';
import { byteLength, code, escapeText, formatCount, linesBytes, shortenText, takeLinesWithin } from './markdownText.js';
import { formatBytes, formatDuration } from './units.js';

/**
 * One step's section of the GitHub job summary: what a reviewer reads in a pull-request check to
 * see whether the step was reused or ran, why, what it saved, and which inputs it was keyed on.
 */

export interface SummaryOptions {
  /** Defaults to the first line of the command. */
  title?: string;
  /** The section never gets longer than this many UTF-8 bytes. */
  budgetBytes?: number;
}

/** Leaves room for several steps under GitHub's limit of 1 MiB of summary per step. */
export const defaultBudgetBytes = 256 * 1024;
/** Below this the fixed parts (heading, verdict, table frames) might not fit. */
export const minimumBudgetBytes = 16 * 1024;

/**
 * Every free-text field is capped so that the fixed part of the section stays small whatever the
 * report holds (an error message can quote a whole response body).
 */
const limits = {
  titleCharacters: 80,
  reasonBytes: 2048,
  saveBytes: 1024,
  remoteBytes: 512,
  keyBytes: 256,
  scopeBytes: 128,
  scopesShown: 10,
  warningBytes: 1024,
  cellBytes: 1024,
};
/** Shares of the budget that warnings and outputs may take, so the input-hash report keeps the rest. */
const warningsShare = 1 / 8;
const outputsShare = 1 / 4;
/** The blank line between two blocks. */
const blockSeparatorBytes = 2;

export function renderSummary(report: StepReport, options: SummaryOptions = {}): string {
  const budgetBytes = options.budgetBytes ?? defaultBudgetBytes;
  if (!Number.isFinite(budgetBytes) || budgetBytes < minimumBudgetBytes) {
    throw new RangeError(`budgetBytes ${budgetBytes} is too small for a job-summary section: give at least ${minimumBudgetBytes} bytes`);
  }
  const blocks = [headingLine(report, options.title), verdictBlock(report)];
  const room = (): number => budgetBytes - blocks.reduce((bytes, block) => bytes + byteLength(block) + blockSeparatorBytes, 0) - blockSeparatorBytes;
  if (report.warnings.length > 0) blocks.push(warningsBlock(report.warnings, Math.min(room(), budgetBytes * warningsShare)));
  blocks.push(outputsBlock(report.outputs, Math.min(room(), budgetBytes * outputsShare)));
  blocks.push(renderInputHashReport(report.inputs, room()));
  return `${blocks.join('\n\n')}\n`;
}

function headingLine(report: StepReport, title: string | undefined): string {
  const chosen = (title ?? report.command[0] ?? '').trim();
  return `### stoat: ${escapeText(shortenText(chosen === '' ? 'step' : chosen, limits.titleCharacters))}`;
}

function verdictBlock(report: StepReport): string {
  return [
    `**${headline(report)}**`,
    '',
    `- **Reason:** ${reasonText(report)}`,
    `- **Save:** ${report.save === '' ? '—' : escapeText(report.save, limits.saveBytes)}`,
    `- **Time:** ${durationsText(report)}`,
    `- **Remote:** ${code(report.remote, limits.remoteBytes)}`,
    `- **Command key:** ${code(report.key, limits.keyBytes)}`,
    `- **Scope written:** ${code(report.scope, limits.scopeBytes)} · **scopes read:** ${scopesText(report.read_scopes)}`,
  ].join('\n');
}

function reasonText(report: StepReport): string {
  if (isSaveOnly(report)) return '— (this step only saves: it did not look for a saved result)';
  return report.reason === '' ? '—' : escapeText(report.reason, limits.reasonBytes);
}

function headline(report: StepReport): string {
  if (isSaveOnly(report)) return saveOnlyHeadline(report);
  if (report.status === 'hit') {
    const scope = code(report.restored_scope ?? 'unknown', limits.scopeBytes);
    return `♻️ Restored from scope ${scope} of ${code(report.remote, limits.remoteBytes)} — the command did not run`;
  }
  if (report.status === 'miss') {
    return report.ran ? `▶️ Ran the command (${exitText(report.exit_code)})` : '🔍 Nothing was restored — this step did not run the command';
  }
  const consequence = report.ran ? `the command ran as on a miss (${exitText(report.exit_code)})` : 'nothing was restored and the command did not run';
  return `⚠️ Cache error — ${consequence}`;
}

function saveOnlyHeadline(report: StepReport): string {
  if (report.status === 'error') return '⚠️ Cache error — nothing was saved';
  const saved = report.outputs.some((output) => output.status === 'saved' || output.status === 'already-saved');
  return saved ? '💾 Saved the outputs of a command that ran before this step' : '⏭️ Nothing was saved';
}

function exitText(exitCode: number | null): string {
  if (exitCode === null) return 'no exit code';
  return exitCode === 0 ? 'exit code 0' : `exit code ${exitCode} — the command failed`;
}

/** Only the phases that happened: a restored step has no run or save time worth showing. */
function durationsText(report: StepReport): string {
  const durations = report.durations_ms;
  const phases = [`hash ${formatDuration(durations.hash)}`, `restore ${formatDuration(durations.restore)}`];
  if (report.ran) phases.push(`run ${formatDuration(durations.run)}`, `save ${formatDuration(durations.save)}`);
  return phases.join(' · ');
}

function scopesText(scopes: readonly string[]): string {
  if (scopes.length === 0) return '—';
  const shown = scopes.slice(0, limits.scopesShown).map((scope) => code(scope, limits.scopeBytes));
  const more = scopes.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${formatCount(more)} more` : shown.join(', ');
}

function warningsBlock(warnings: readonly string[], budgetBytes: number): string {
  const items = (function* () {
    for (const warning of warnings) yield `- ⚠️ ${escapeText(warning, limits.warningBytes)}`;
  })();
  const overflow = (count: number): string => `- … and ${formatCount(count)} more warnings, listed in the JSON report`;
  return fitRows(['**Warnings**', ''], items, warnings.length, budgetBytes, overflow);
}

const outputsHeader = ['**Outputs**', '', '| output | status | files | bytes | transferred | tree hash | manifest |', '|---|---|--:|--:|--:|---|---|'];

function outputsBlock(outputs: readonly OutputReport[], budgetBytes: number): string {
  if (outputs.length === 0) return '**Outputs:** none declared.';
  const rows = (function* () {
    for (const output of outputs) yield outputRow(output);
  })();
  const overflow = (count: number): string => `| … ${formatCount(count)} more outputs, listed in the JSON report | | | | | | |`;
  return fitRows(outputsHeader, rows, outputs.length, budgetBytes, overflow);
}

const statusLabels: Readonly<Record<OutputStatus, string>> = {
  restored: 'restored',
  saved: 'saved',
  'already-saved': 'already saved',
  'not-saved': 'not saved',
};

function outputRow(output: OutputReport): string {
  // An output that was neither saved nor restored was never measured: its zeros would mislead.
  const measured = output.status !== 'not-saved';
  const cells = [
    code(output.path, limits.cellBytes),
    statusLabels[output.status],
    measured ? formatCount(output.files) : '—',
    measured ? formatBytes(output.bytes) : '—',
    measured ? formatBytes(output.transferred_bytes) : '—',
    output.tree === null ? '—' : code(output.tree, limits.keyBytes),
    output.manifest === null ? '—' : code(output.manifest, limits.cellBytes),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Rows in order while they fit in `budgetBytes`, then one line that counts the rest. */
function fitRows(header: readonly string[], rows: Iterable<string>, count: number, budgetBytes: number, overflow: (left: number) => string): string {
  const room = budgetBytes - linesBytes(header) - linesBytes([overflow(count)]);
  const shown = takeLinesWithin(rows, room);
  const lines = [...header, ...shown.lines];
  if (!shown.complete) lines.push(overflow(count - shown.lines.length));
  return lines.join('\n');
}
