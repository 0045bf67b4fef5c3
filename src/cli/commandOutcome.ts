import { type StepReport } from '../core/stepReport.js';

/** What a command hands back to be printed: a step report, plain text, or a help page. */
export type CommandOutcome =
  | { report: StepReport; json: boolean; exitCode: number }
  | { text: string; exitCode: number }
  | { help: string };
