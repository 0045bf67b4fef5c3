import { type StepReport } from '../core/stepReport.js';
import { code, escapeText, formatCount, shortenText } from './markdownText.js';
import { isSaveAfterLookup } from './saveOnlyReport.js';
import { stepHeadline } from './stepHeadline.js';
import { formatDuration } from './units.js';

/** One stoat step of a job, as the job's table and the pull-request comment show it. */
export interface JobRow {
  /** Which step: main and post of one step share it, so post's save replaces main's row. */
  id: string;
  title: string;
  emoji: string;
  verdict: string;
  total_ms: number;
  saved_ms: number | null;
}

export function jobRowOf(id: string, report: StepReport): JobRow {
  const headline = stepHeadline(report);
  // Command mode's post saves after main missed: the row says both.
  const lookedUp = isSaveAfterLookup(report);
  return {
    id,
    title: report.command[0] ?? 'step',
    emoji: headline.emoji,
    verdict: lookedUp && headline.verdict === 'saved' ? 'saved after a miss' : headline.verdict,
    total_ms: headline.totalMs,
    saved_ms: headline.savedMs,
  };
}

/** Rows shown before the rest are counted: a job of a hundred stoat steps still gets a short table. */
const rowsShown = 50;
const titleCharacters = 60;

/**
 * The table of every stoat step of a job, with a heading that sums it up: "3 steps — 2 restored,
 * 1 ran · saved 4 min 3 s". Rows come from files and reports, so every text is escaped.
 */
export function renderJobTable(rows: readonly JobRow[], label = 'stoat'): string {
  const saved = rows.reduce((sum, row) => sum + (row.saved_ms ?? 0), 0);
  const verdicts = new Map<string, number>();
  for (const row of rows) verdicts.set(row.verdict, (verdicts.get(row.verdict) ?? 0) + 1);
  const counts = [...verdicts].map(([verdict, count]) => `${count} ${verdict}`).join(', ');
  const heading = `### ${escapeText(label, 256)}: ${formatCount(rows.length)} step${rows.length === 1 ? '' : 's'} — ${escapeText(counts, 1024)}${saved > 0 ? ` · saved ${formatDuration(saved)}` : ''}`;
  const lines = [heading, '', '| step | verdict | time | saved |', '|---|---|--:|--:|'];
  for (const row of rows.slice(0, rowsShown)) {
    const savedText = row.saved_ms === null || row.saved_ms <= 0 ? '—' : formatDuration(row.saved_ms);
    lines.push(`| ${code(shortenText(row.title, titleCharacters), 1024)} | ${escapeText(`${row.emoji} ${row.verdict}`, 256)} | ${formatDuration(row.total_ms)} | ${savedText} |`);
  }
  if (rows.length > rowsShown) lines.push(`| … ${formatCount(rows.length - rowsShown)} more steps | | | |`);
  return `${lines.join('\n')}\n\n`;
}
