import { type PipelineProject } from '../core/pipelineProject.js';
import { textTable } from '../report/textTable.js';
import { formatDuration, shortHash } from '../report/units.js';
import { type PipelinePlan } from './planPipeline.js';
import { type StepOutcome } from './stepOutcome.js';
import { type TransferOutcome } from './transferPipeline.js';

/* The terminal text of the pipeline commands; the CLI makes every line printable. */

/** `stoat run` with no name: what can be run, with the help the file gives. */
export function projectListing(project: PipelineProject): string[] {
  const lines = [`${project.title === '' ? project.file : `${project.title} (${project.file})`}`];
  if (project.description !== '') lines.push(project.description.trim());
  lines.push('', 'Commands:', ...textTable(project.commands.map((command) => [command.name, command.help])));
  if (project.workflows.size > 0) lines.push('', 'Workflows:', ...textTable([...project.workflows].map(([name, steps]) => [name, steps.join(' -> ')])));
  lines.push('', 'Run one with: stoat run NAME... (workflows and commands; what they need upstream comes too)');
  return lines;
}

const verdictWords: Record<StepOutcome['status'], string> = { skipped: 'skipped', restored: 'restored', ran: 'ran', failed: 'failed', 'not-run': 'not run' };

/** The table at the end of `stoat run`: step, verdict, time, time saved; then why each step that ran ran. */
export function runTable(outcomes: readonly StepOutcome[]): string[] {
  const rows = outcomes.map((outcome) => [
    outcome.name,
    verdictWords[outcome.status],
    formatDuration(outcome.duration_ms),
    outcome.saved_ms === null || outcome.saved_ms <= 0 ? '' : formatDuration(outcome.saved_ms),
  ]);
  const why = outcomes.filter((outcome) => outcome.status !== 'skipped' && outcome.status !== 'restored').map((outcome) => `  ${outcome.name}: ${outcome.reason}`);
  return [...textTable([['step', 'verdict', 'time', 'saved'], ...rows], new Set([2, 3])), ...(why.length > 0 ? ['', 'why:', ...why] : [])];
}

/** `stoat plan` as text: each step's status, key and reason, then the waves that must run. */
export function planLines(plan: PipelinePlan): string[] {
  const rows = plan.steps.map((step) => [step.name, step.status, step.key === null ? '-' : shortHash(step.key), step.reason]);
  const lines = textTable([['step', 'plan', 'key', 'reason'], ...rows]);
  if (plan.waves.length === 0) return [...lines, '', 'nothing to run: every step is current or restorable'];
  return [...lines, '', 'to run, in waves:', ...plan.waves.map((wave, index) => `  ${index + 1}. ${wave.join(', ')}`)];
}

/** `stoat plan --json`: the documented shape, and nothing else. */
export function planJson(plan: PipelinePlan): unknown {
  return { steps: plan.steps.map((step) => ({ name: step.name, status: step.status, key: step.key, needs: step.needs, reason: step.reason })), waves: plan.waves };
}

/** `stoat push` and `stoat pull`: a line per command. */
export function transferTable(outcomes: readonly TransferOutcome[]): string[] {
  return textTable([['command', 'result', 'why'], ...outcomes.map((outcome) => [outcome.name, outcome.status, outcome.reason])]);
}
