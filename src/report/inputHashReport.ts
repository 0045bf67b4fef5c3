import { type InputReport } from '../core/stepReport.js';
import { code, formatCount, linesBytes, takeLinesWithin } from './markdownText.js';
import { formatBytes } from './units.js';

/**
 * The input-hash report of the job summary: every input file with its md5, sha1 and sha256, in
 * full, so a reviewer can compare them with `md5sum` and friends. A step can read 100,000 files,
 * far more than a summary holds, so the table stops at a byte budget and says exactly what it left
 * out, and a per-directory table keeps the whole picture visible.
 */

const plainHeader = ['| path | size | md5 | sha1 | sha256 |', '|---|--:|---|---|---|'];
/** With a nearest earlier result: which inputs differ from the ones it read, those rows first. */
const changeHeader = ['| path | since last use | size | md5 | sha1 | sha256 |', '|---|---|--:|---|---|---|'];
const directoryHeader = ['| top-level directory | files | bytes |', '|---|--:|--:|'];
/** Files directly in the working directory; italic, which no escaped path can produce. */
const topLevelLabel = '*(working directory)*';
/** Share of the section the per-directory table may take when the file table is cut. */
const directoryShare = 1 / 4;
const noteSlackBytes = 16;

interface Totals {
  files: number;
  bytes: number;
}

/**
 * The collapsed input-hash section, at most `budgetBytes` long (counted with a trailing newline).
 * Inputs marked changed or new since the nearest earlier result come first, changed before new.
 */
export function renderInputHashReport(given: readonly InputReport[], budgetBytes: number): string {
  const inputs = changedFirst(given);
  const marked = inputs.some((input) => input.since_last_use !== undefined);
  const tableHeader = marked ? changeHeader : plainHeader;
  const total = { files: inputs.length, bytes: sumSizes(inputs, 0) };
  const opening = [`<details><summary>Input-hash report: ${formatCount(total.files)} files, ${formatBytes(total.bytes)}${changeCounts(inputs)}</summary>`, ''];
  const closing = ['', '</details>'];
  if (inputs.length === 0) return [...opening, 'No input files.', ...closing].join('\n');
  const frame = linesBytes([...opening, ...tableHeader, ...closing]);
  const rows = takeLinesWithin(inputRows(inputs, marked), budgetBytes - frame);
  if (rows.complete) return [...opening, ...tableHeader, ...rows.lines, ...closing].join('\n');

  const directories = directoryTable(inputs, total, Math.floor(budgetBytes * directoryShare));
  // The note's numbers are not known until the rows are cut, so room is kept for the longest they can
  // be; the slack covers a smaller size printed longer ("1000.0 KiB" against "1.0 MiB").
  const noteRoom = linesBytes(['', leftOutNote(total, total), '', '']) + noteSlackBytes;
  const shown = takeLinesWithin(rows.lines, budgetBytes - frame - noteRoom - linesBytes(directories));
  const leftOut = { files: total.files - shown.lines.length, bytes: sumSizes(inputs, shown.lines.length) };
  const table = shown.lines.length === 0 ? [] : [...tableHeader, ...shown.lines, ''];
  return [...opening, ...table, leftOutNote(leftOut, total), '', ...directories, ...closing].join('\n');
}

function* inputRows(inputs: readonly InputReport[], marked: boolean): Generator<string> {
  for (const input of inputs) {
    const change = marked ? ` ${input.since_last_use === undefined ? '' : `**${input.since_last_use}**`} |` : '';
    yield `| ${code(input.path)} |${change} ${formatBytes(input.size)} | ${code(input.md5)} | ${code(input.sha1)} | ${code(input.sha256)} |`;
  }
}

const changeOrder = { changed: 0, new: 1 } as const;

/** Changed inputs, then new ones, then the rest, each in path order; unmarked inputs keep their order untouched. */
function changedFirst(inputs: readonly InputReport[]): readonly InputReport[] {
  if (!inputs.some((input) => input.since_last_use !== undefined)) return inputs;
  const rank = (input: InputReport): number => (input.since_last_use === undefined ? 2 : changeOrder[input.since_last_use]);
  // Array.prototype.sort is stable: within a rank the inputs stay in path order.
  return [...inputs].sort((a, b) => rank(a) - rank(b));
}

function changeCounts(inputs: readonly InputReport[]): string {
  const changed = inputs.filter((input) => input.since_last_use === 'changed').length;
  const added = inputs.filter((input) => input.since_last_use === 'new').length;
  const parts = [changed > 0 ? `${formatCount(changed)} changed since last use` : '', added > 0 ? `${formatCount(added)} new` : ''].filter((part) => part !== '');
  return parts.length === 0 ? '' : ` · ${parts.join(', ')}`;
}

function leftOutNote(leftOut: Totals, total: Totals): string {
  return (
    `**Left out of this table: ${formatCount(leftOut.files)} of ${formatCount(total.files)} files ` +
    `(${formatBytes(leftOut.bytes)} of ${formatBytes(total.bytes)})**, to keep the job summary within GitHub's size limit. ` +
    'The full list, with every hash, is in the JSON report: the action\'s `report` output, or `--json` on the command line.'
  );
}

/** Files and bytes per top-level directory, itself cut to `budgetBytes` with a closing row for the rest. */
function directoryTable(inputs: readonly InputReport[], total: Totals, budgetBytes: number): string[] {
  const directories = [...totalsByTopLevelDirectory(inputs)];
  const restRoom = linesBytes([moreDirectoriesRow(directories.length, total)]) + noteSlackBytes;
  const rows = directoryRows(directories);
  const shown = takeLinesWithin(rows, budgetBytes - linesBytes(directoryHeader) - restRoom);
  if (shown.complete) return [...directoryHeader, ...shown.lines];
  const rest = { files: 0, bytes: 0 };
  for (const [, totals] of directories.slice(shown.lines.length)) {
    rest.files += totals.files;
    rest.bytes += totals.bytes;
  }
  return [...directoryHeader, ...shown.lines, moreDirectoriesRow(directories.length - shown.lines.length, rest)];
}

/** In path order, which is the order of the inputs; files at the top level are grouped under one row. */
function totalsByTopLevelDirectory(inputs: readonly InputReport[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const input of inputs) {
    const slash = input.path.indexOf('/');
    const directory = slash === -1 ? '' : input.path.slice(0, slash + 1);
    const entry = totals.get(directory);
    if (entry === undefined) {
      totals.set(directory, { files: 1, bytes: input.size });
    } else {
      entry.files += 1;
      entry.bytes += input.size;
    }
  }
  return totals;
}

function* directoryRows(directories: ReadonlyArray<[string, Totals]>): Generator<string> {
  for (const [directory, totals] of directories) {
    const label = directory === '' ? topLevelLabel : code(directory);
    yield `| ${label} | ${formatCount(totals.files)} | ${formatBytes(totals.bytes)} |`;
  }
}

function moreDirectoriesRow(directories: number, totals: Totals): string {
  return `| … ${formatCount(directories)} more directories (in the JSON report) | ${formatCount(totals.files)} | ${formatBytes(totals.bytes)} |`;
}

function sumSizes(inputs: readonly InputReport[], from: number): number {
  let bytes = 0;
  for (let index = from; index < inputs.length; index += 1) bytes += inputs[index]!.size;
  return bytes;
}
