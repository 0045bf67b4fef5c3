import { CacheFailure, classifyFailure } from '../core/errors.js';
import { type MissExplanation } from '../core/missExplanation.js';
import { type InputReport } from '../core/stepReport.js';
import { findResult } from '../store/findResult.js';
import { explainMiss } from './explainMiss.js';
import { prepareStep } from './prepareStep.js';
import { type StepContext } from './stepContext.js';
import { type StepDefinition } from './stepDefinition.js';

/** What a restore of a step would do now, and on a miss why: `stoat explain`. */
export interface StepExplanation {
  key: string;
  status: 'hit' | 'miss';
  /** Where a hit would come from, or why nothing is saved under this key. */
  reason: string;
  explanation: MissExplanation | null;
  inputs: InputReport[];
}

/**
 * Hashes the inputs and looks for a saved result as a restore would, without downloading or
 * running anything; on a miss, explains it. A remote that fails is a CacheFailure: there is no
 * step to run as on a miss, so the command says what went wrong.
 */
export async function explainStep(definition: StepDefinition, context: StepContext): Promise<StepExplanation> {
  const prepared = await prepareStep(definition, context.environment);
  try {
    const outputs = prepared.outputs.map((output) => output.relative);
    const outcome = await findResult(context.remote, prepared.key, outputs, context.scope.read, context.concurrency);
    if (outcome.found !== undefined) {
      const reason = `a saved result for this key is in scope "${outcome.found.scope}" of ${context.remote.display}: a restore would use it`;
      return { key: prepared.key, status: 'hit', reason, explanation: null, inputs: prepared.inputs };
    }
    const explained = await explainMiss(prepared, context, outcome.reason);
    return { key: prepared.key, status: 'miss', reason: outcome.reason, explanation: explained.explanation, inputs: explained.inputs };
  } catch (error) {
    const failure = classifyFailure(error);
    if (failure.kind === 'remote') throw new CacheFailure(`the remote failed while looking for a saved result: ${failure.message}`);
    throw error;
  }
}
