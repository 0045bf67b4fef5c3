import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { errorMessage, UsageError } from '../core/errors.js';
import { isSha256 } from '../core/manifest.js';
import { type StepReport, type StepStatus } from '../core/stepReport.js';
import { stepReportProblem } from '../core/stepReportShape.js';

/**
 * What main hands to post. In `command` mode post saves what the workflow's own step produced,
 * under the key main computed before that step ran (the step may change its own inputs), and
 * completes the JSON report main wrote.
 */
export type StepState = SingleStepState | { mode: 'pipeline' };

/** What main hands to post for a single step. */
export interface SingleStepState {
  mode: 'run' | 'command';
  /** The JSON report main wrote. */
  reportPath: string;
  key: string;
  /** main's verdict: after a hit there is nothing to save. */
  status: StepStatus;
}

const stateName = 'stoat-step';
const stateShown = `the state the main step left for the post step (STATE_${stateName})`;
const nothingSaved = 'nothing was saved; run the job again';

export function saveStepState(state: StepState): void {
  core.saveState(stateName, JSON.stringify(state));
}

/** The state main saved, checked: missing or damaged state stops post before it saves anything. */
export function loadStepState(): StepState {
  const text = core.getState(stateName);
  if (text === '') throw new UsageError(`${stateShown} is missing: the main step did not finish, so ${nothingSaved}`);
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${stateShown} is not valid JSON (${errorMessage(error)}): ${nothingSaved}`);
  }
  if (!isStepState(state)) throw new UsageError(`${stateShown} is not what the main step writes (${JSON.stringify(text).slice(0, 120)}): ${nothingSaved}`);
  return state;
}

function isStepState(value: unknown): value is StepState {
  if (typeof value !== 'object' || value === null) return false;
  // A pipeline saves each step as it runs: post has nothing of it to save.
  if ((value as { mode?: unknown }).mode === 'pipeline') return true;
  const state = value as Record<keyof SingleStepState, unknown>;
  const modes: unknown[] = ['run', 'command'];
  const statuses: unknown[] = ['hit', 'miss', 'error'];
  return modes.includes(state.mode) && typeof state.reportPath === 'string' && state.reportPath !== '' && isSha256(state.key) && statuses.includes(state.status);
}

/** The report main wrote, checked against the state: a missing, damaged or swapped report stops post. */
export function readStateReport(state: SingleStepState): StepReport {
  const shown = `the JSON report the main step wrote at ${state.reportPath}`;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(state.reportPath, 'utf8'));
  } catch (error) {
    throw new UsageError(`${shown} cannot be read (${errorMessage(error)}): ${nothingSaved}`);
  }
  const problem = stepReportProblem(value);
  if (problem !== undefined) throw new UsageError(`${shown} is not a stoat step report: ${problem}; ${nothingSaved}`);
  const report = value as StepReport;
  if (report.key !== state.key) throw new UsageError(`${shown} holds the key ${report.key}, but the main step computed ${state.key}: ${nothingSaved}`);
  return report;
}
