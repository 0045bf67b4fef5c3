import { type StepVerdict } from '../core/pipelineProject.js';
import { type StepReport } from '../core/stepReport.js';

/** What happened to a step in `stoat run`: its verdict, why, and what it cost or saved. */
export interface StepOutcome {
  name: string;
  status: StepVerdict;
  reason: string;
  key: string | null;
  duration_ms: number;
  /** How long the command took when it made the outputs now in place, less what this run spent: null when not known. */
  saved_ms: number | null;
  /** Problems that did not stop the step (a failed save, a damaged object), for the terminal. */
  warnings: string[];
  /** The engine's report of the step, when it restored or ran and saved it: its section of a job summary. */
  report?: StepReport;
}

/** Verdicts after which the steps downstream cannot run. */
export function stopsDownstream(outcome: StepOutcome): boolean {
  return outcome.status === 'failed' || outcome.status === 'not-run';
}

/** What the report of `--json` holds of a step, in the documented shape. */
export function outcomeJson(outcome: StepOutcome): { name: string; status: StepVerdict; reason: string; key: string | null; duration_ms: number } {
  return { name: outcome.name, status: outcome.status, reason: outcome.reason, key: outcome.key, duration_ms: outcome.duration_ms };
}
