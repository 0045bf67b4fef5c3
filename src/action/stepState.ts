import * as core from '@actions/core';

/** What main hands to post in `command` mode: post saves under the key main computed. */
export interface StepState {
  mode: 'run' | 'command';
  reportPath: string;
}

const stateName = 'stoat-step';

export function saveStepState(state: StepState): void {
  core.saveState(stateName, JSON.stringify(state));
}

export function loadStepState(): StepState | undefined {
  const text = core.getState(stateName);
  return text === '' ? undefined : (JSON.parse(text) as StepState);
}
