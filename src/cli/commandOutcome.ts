import { type StepReport } from '../core/stepReport.js';

/** What a command hands back to be printed: a step report, lines of text, or a help page. */
export type CommandOutcome =
  | { report: StepReport; json: boolean; exitCode: number }
  | { lines: string[]; exitCode: number }
  | { help: string };
