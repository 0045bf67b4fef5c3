import { type OutputReport, type OutputStatus, type StepReport } from '../core/stepReport.js';
import { explanationItems } from './explanationMarkdown.js';
import { renderInputHashReport } from './inputHashReport.js';
import { byteLength, code, escapeText, formatCount, linesBytes, shortenText, takeLinesWithin } from './markdownText.js';
import { originMarkdown } from './resultOrigin.js';
import { isSaveAfterLookup, isSaveOnly } from './saveOnlyReport.js';
import { stepHeadline } from './stepHeadline.js';
import { formatBytes, formatDuration, shortHash } from './units.js';

/**
 * One step's section of the GitHub job summary, read top down in ten seconds: one line with the
 * verdict and its number (time saved, or why it ran and how long), where a restored result came
 * from or why the step missed, the outputs with short hashes; then, collapsed, the key, scopes,
 * times and manifest locations, and the full input-hash report.
 */

export interface SummaryOptions {
  /** Defaults to the first line of the command. */
  title?: string;
  /** The section never gets longer than this many UTF-8 bytes. */
  budgetBytes?: number;
  /** The time "3 h ago" is counted from; now by default. */
  nowMs?: number;
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
  headlineBytes: 1024,
  reasonBytes: 2048,
  saveBytes: 1024,
  remoteBytes: 512,
  keyBytes: 256,
  scopeBytes: 128,
  scopesShown: 10,
  warningBytes: 1024,
  cellBytes: 1024,
  explanationBytes: 8 * 1024,
};
/** Shares of the budget that warnings, outputs and the collapsed details may take, so the input-hash report keeps the rest. */
const warningsShare = 1 / 8;
const outputsShare = 1 / 8;
const detailsShare = 1 / 8;

export function renderSummary(report: StepReport, options: SummaryOptions = {}): string {
  const budgetBytes = options.budgetBytes ?? defaultBudgetBytes;
  if (!Number.isFinite(budgetBytes) || budgetBytes < minimumBudgetBytes) {
    throw new RangeError(`budgetBytes ${budgetBytes} is too small for a job-summary section: give at least ${minimumBudgetBytes} bytes`);
  }
  const nowMs = options.nowMs ?? Date.now();
  const blocks = [headingLine(report, options.title), ...verdictBlocks(report, nowMs)];
  // Each block is followed by a blank line, the last one included: sections written one after
  // another (several steps, main and post) must not run into each other's HTML blocks.
  const room = (): number => budgetBytes - blocks.reduce((bytes, block) => bytes + byteLength(block) + 2, 0);
  if (report.warnings.length > 0) blocks.push(warningsBlock(report.warnings, Math.min(room(), budgetBytes * warningsShare)));
  blocks.push(outputsBlock(report.outputs, Math.min(room(), budgetBytes * outputsShare)));
  blocks.push(detailsBlock(report, Math.min(room(), budgetBytes * detailsShare)));
  // The post step of `command` mode saves what main's section already listed the inputs of.
  if (!isSaveAfterLookup(report)) blocks.push(renderInputHashReport(report.inputs, room() - 2));
  return `${blocks.join('\n\n')}\n\n`;
}

/** The one line a reviewer reads: verdict emoji, step name, and the headline number. */
function headingLine(report: StepReport, title: string | undefined): string {
  const chosen = (title ?? report.command[0] ?? '').trim();
  const headline = stepHeadline(report);
  const name = headingText(shortenText(chosen === '' ? 'step' : chosen, limits.titleCharacters), Number.POSITIVE_INFINITY);
  return `### ${headline.emoji} stoat: ${name} — ${headingText(headline.detail, limits.headlineBytes)}`;
}

/** A run of `#` at the end of a heading would be taken for its closing sequence, and vanish. */
function headingText(text: string, maxBytes: number): string {
  return escapeText(text, maxBytes).replace(/#(?=[#\s]*$)/g, '&#35;');
}

/** Where a restored result came from, why a miss missed, or what a save did. */
function verdictBlocks(report: StepReport, nowMs: number): string[] {
  if (isSaveOnly(report)) return [`**Save:** ${escapeText(report.save, limits.saveBytes)}`];
  if (report.status === 'hit') return report.restored_from === null ? [] : [`Restored from ${originMarkdown(report.restored_from, nowMs)}`];
  if (report.status === 'error' || report.explanation === null) return [`**Reason:** ${escapeText(report.reason === '' ? '—' : report.reason, limits.reasonBytes)}`];
  const items = takeLinesWithin(explanationItems(report.explanation, nowMs), limits.explanationBytes).lines;
  return [`**Why it ${report.ran ? 'ran' : 'missed'}:**`, items.join('\n')];
}

function warningsBlock(warnings: readonly string[], budgetBytes: number): string {
  const items = (function* () {
    for (const warning of warnings) yield `- ⚠️ ${escapeText(warning, limits.warningBytes)}`;
  })();
  const overflow = (count: number): string => `- … and ${formatCount(count)} more warnings, listed in the JSON report`;
  return fitRows(['**Warnings**', ''], items, warnings.length, budgetBytes, overflow);
}

/** Narrow enough for a laptop's browser: short tree hashes, manifest locations in the details below. */
const outputsHeader = ['| output | status | files | size | transferred | tree |', '|---|---|--:|--:|--:|---|'];

function outputsBlock(outputs: readonly OutputReport[], budgetBytes: number): string {
  if (outputs.length === 0) return '**Outputs:** none declared.';
  const rows = (function* () {
    for (const output of outputs) yield outputRow(output);
  })();
  const overflow = (count: number): string => `| … ${formatCount(count)} more outputs, listed in the JSON report | | | | | |`;
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
    output.tree === null ? '—' : code(shortHash(output.tree)),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The key, scopes, times and where each manifest is: what a reviewer opens to dig, with the full values. */
function detailsBlock(report: StepReport, budgetBytes: number): string {
  const opening = ['<details><summary>Key, scopes, times and manifest locations</summary>', ''];
  // The reason is the verdict's own line where there is no explanation to stand in for it.
  const reasonShown = !isSaveOnly(report) && report.status !== 'hit' && (report.status === 'error' || report.explanation === null);
  const fixed = [
    ...(isSaveOnly(report) || reasonShown || report.reason === '' ? [] : [`- **Lookup:** ${escapeText(report.reason, limits.reasonBytes)}`]),
    ...(isSaveOnly(report) ? [] : [`- **Save:** ${report.save === '' ? '—' : escapeText(report.save, limits.saveBytes)}`]),
    `- **Time:** ${durationsText(report)}`,
    `- **Remote:** ${code(report.remote, limits.remoteBytes)}`,
    `- **Command key:** ${code(report.key, limits.keyBytes)}`,
    `- **Scope written:** ${code(report.scope, limits.scopeBytes)} · **scopes read:** ${scopesText(report.read_scopes)}`,
  ];
  const located = report.outputs.filter((output) => output.manifest !== null);
  const rows = (function* () {
    for (const output of located) yield `- **Manifest of** ${code(output.path, limits.cellBytes)}: ${code(output.manifest!, limits.cellBytes)}, tree ${code(output.tree ?? '—')}`;
  })();
  const overflow = (count: number): string => `- … and ${formatCount(count)} more manifests, listed in the JSON report`;
  const closing = ['', '</details>'];
  const listed = fitRows([...opening, ...fixed], rows, located.length, budgetBytes - linesBytes(closing), overflow);
  return [listed, ...closing].join('\n');
}

/** Only the phases that happened: a restored step has no run or save time worth showing, a save no restore. */
function durationsText(report: StepReport): string {
  const durations = report.durations_ms;
  const saved = report.save !== '' && durations.save > 0;
  const phases = [`hash ${formatDuration(durations.hash)}`];
  if (!isSaveOnly(report) || durations.restore > 0) phases.push(`restore ${formatDuration(durations.restore)}`);
  if (report.ran) phases.push(`run ${formatDuration(durations.run)}`);
  if (report.ran || isSaveOnly(report) || (saved && report.status !== 'hit')) phases.push(`save ${formatDuration(durations.save)}`);
  return phases.join(' · ');
}

function scopesText(scopes: readonly string[]): string {
  if (scopes.length === 0) return '—';
  const shown = scopes.slice(0, limits.scopesShown).map((scope) => code(scope, limits.scopeBytes));
  const more = scopes.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${formatCount(more)} more` : shown.join(', ');
}

/** Rows in order while they fit in `budgetBytes`, then one line that counts the rest. */
function fitRows(header: readonly string[], rows: Iterable<string>, count: number, budgetBytes: number, overflow: (left: number) => string): string {
  const room = budgetBytes - linesBytes(header) - linesBytes([overflow(count)]);
  const shown = takeLinesWithin(rows, room);
  const lines = [...header, ...shown.lines];
  if (!shown.complete) lines.push(overflow(count - shown.lines.length));
  return lines.join('\n');
}
