import { type StepReport } from '../core/stepReport.js';
import { isSaveOnly } from './saveOnlyReport.js';
import { formatBytes, formatDuration } from './units.js';

/** What a reviewer reads first of a step: the same in the summary's heading, the job's table and the pull-request comment. */
export interface StepHeadline {
  emoji: string;
  /** One word or two, for a table's verdict column. */
  verdict: string;
  /** The headline number and why, as plain text: "saved 2 min 1 s", "ran in 5.0 s — dep `a.txt` changed". */
  detail: string;
  /** All the time stoat and the command took in this step. */
  totalMs: number;
  /** On a hit, the run time the restore saved; null where it is not known or there was none. */
  savedMs: number | null;
}

/** The explanation's first clause is the headline's: longer ones are cut here. */
const clauseCharacters = 100;

export function stepHeadline(report: StepReport): StepHeadline {
  const { hash, restore, run, save } = report.durations_ms;
  const totalMs = hash + restore + run + save;
  const base = { totalMs, savedMs: null };
  if (isSaveOnly(report)) return { ...base, ...saveHeadline(report) };
  if (report.status === 'hit') return { ...base, ...hitHeadline(report) };
  const why = firstClause(report);
  if (report.status === 'error') {
    const consequence = report.ran ? `ran as on a miss in ${formatDuration(run)}` : 'nothing restored';
    return { ...base, emoji: '⚠️', verdict: 'cache error', detail: `cache error, ${consequence}: ${shorten(report.reason)}` };
  }
  if (!report.ran) return { ...base, emoji: '🔍', verdict: 'missed', detail: `missed, the workflow runs the command: ${why}` };
  if (report.exit_code !== 0) return { ...base, emoji: '❌', verdict: 'failed', detail: `failed with exit code ${report.exit_code} after ${formatDuration(run)}: ${why}` };
  return { ...base, emoji: '▶️', verdict: 'ran', detail: `ran in ${formatDuration(run)}: ${why}` };
}

/** Time saved: how long the command ran when the result was made, less what this restore took. */
function hitHeadline(report: StepReport): Pick<StepHeadline, 'emoji' | 'verdict' | 'detail' | 'savedMs'> {
  const spent = report.durations_ms.hash + report.durations_ms.restore;
  const ranFor = report.restored_from?.duration_ms ?? null;
  const restored = `restored in ${formatDuration(spent)}`;
  if (ranFor === null) return { emoji: '♻️', verdict: 'restored', detail: `${restored} (the saved result did not record how long its command ran)`, savedMs: null };
  const savedMs = ranFor - spent;
  if (savedMs <= 0) return { emoji: '♻️', verdict: 'restored', detail: `${restored}, no time saved: the command ran in ${formatDuration(ranFor)}`, savedMs: 0 };
  return { emoji: '♻️', verdict: 'restored', detail: `saved ${formatDuration(savedMs)}: ${restored}, the command ran in ${formatDuration(ranFor)}`, savedMs };
}

/** A save section says what it saved, judged by the outputs and not by a restore that came before. */
function saveHeadline(report: StepReport): Pick<StepHeadline, 'emoji' | 'verdict' | 'detail'> {
  const saved = report.outputs.filter((output) => output.status === 'saved' || output.status === 'already-saved');
  const saveMs = formatDuration(report.durations_ms.save);
  if (report.save.startsWith('failed')) return { emoji: '⚠️', verdict: 'save failed', detail: `the save ${shorten(report.save)}` };
  if (saved.length === 0) return { emoji: '⏭️', verdict: 'not saved', detail: `nothing saved: ${shorten(report.save)}` };
  const bytes = saved.reduce((sum, output) => sum + output.bytes, 0);
  const sent = saved.reduce((sum, output) => sum + output.transferred_bytes, 0);
  const outputs = `${saved.length} output${saved.length === 1 ? '' : 's'}`;
  return { emoji: '💾', verdict: 'saved', detail: `saved ${outputs} (${formatBytes(bytes)}, ${formatBytes(sent)} sent) in ${saveMs}` };
}

/** Why a miss missed, in its first clause: the explanation's, or the lookup's reason. */
function firstClause(report: StepReport): string {
  const reason = report.explanation?.reason ?? report.reason;
  return shorten(reason.split('; ')[0] ?? reason);
}

function shorten(text: string): string {
  const characters = Array.from(text);
  return characters.length <= clauseCharacters ? text : `${characters.slice(0, clauseCharacters - 1).join('')}…`;
}
