import { errorMessage } from '../core/errors.js';
import { markSinceLastUse } from '../core/inputChanges.js';
import { type KeyMaterial } from '../core/keyDifference.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import {
  explainDifference,
  firstRunExplanation,
  materialOfManifest,
  type MissExplanation,
  nearestOf,
  sameKeyExplanation,
  unexplainedExplanation,
} from '../core/missExplanation.js';
import { type InputReport } from '../core/stepReport.js';
import { findNearestManifest, type NewestManifest } from '../store/newestManifest.js';
import { type PreparedStep } from './prepareStep.js';
import { type StepContext } from './stepContext.js';

export interface ExplainedMiss {
  explanation: MissExplanation;
  /** The inputs, marked where they changed since the nearest earlier result used them. */
  inputs: InputReport[];
}

/**
 * Why a step missed: the nearest earlier result of its outputs (the newest in the scopes the run
 * reads, its own scope first) compared with this run, every difference named. Finding it costs,
 * per output, one short listing of the index per scope read and one read. It never fails the
 * step: a remote that cannot answer makes an explanation that says so. `lookupReason` is why the
 * restore found nothing under this key, for when an earlier result has this very key.
 */
export async function explainMiss(prepared: PreparedStep, context: StepContext, lookupReason: string): Promise<ExplainedMiss> {
  const outputs = prepared.outputs.map((output) => output.relative);
  const scopes = context.scope.read;
  try {
    const found = await mapConcurrently(outputs, context.concurrency, (output) => findNearestManifest(context.remote, output, scopes));
    const nothingSaved = outputs.filter((_, index) => found[index] === undefined);
    const nearest = nearestOfFound(found, scopes);
    if (nearest === undefined) return { explanation: firstRunExplanation(outputs, scopes), inputs: prepared.inputs };
    if (nearest.manifest.key === prepared.key) return { explanation: { ...sameKeyExplanation(lookupReason), nearest: nearestOf(nearest.manifest, nearest.location) }, inputs: prepared.inputs };
    const explanation = explainDifference(materialOfManifest(nearest.manifest), materialOf(prepared), nearestOf(nearest.manifest, nearest.location), nothingSaved);
    return { explanation, inputs: markSinceLastUse(prepared.inputs, nearest.manifest.inputs) };
  } catch (error) {
    // Whatever went wrong, the miss stays a miss: the explanation is what is lost, and it says why.
    return { explanation: unexplainedExplanation(errorMessage(error)), inputs: prepared.inputs };
  }
}

/** What this run's key is made of, in the terms a manifest records. */
function materialOf(prepared: PreparedStep): KeyMaterial {
  return {
    script: prepared.definition.command,
    deps: prepared.inputs.map((input) => [input.path, input.sha256] as const),
    env: prepared.envSha256,
    extra: prepared.definition.keyExtra,
    outputs: prepared.outputs.map((output) => output.relative),
  };
}

/** Of each output's newest manifest, the one in the earliest scope read, and the newest there. */
function nearestOfFound(found: readonly (NewestManifest | undefined)[], scopes: readonly string[]): NewestManifest | undefined {
  const present = found.filter((entry) => entry !== undefined);
  const rank = (entry: NewestManifest): number => scopes.indexOf(entry.manifest.scope);
  present.sort((a, b) => rank(a) - rank(b) || Date.parse(b.manifest.provenance.created) - Date.parse(a.manifest.provenance.created));
  return present[0];
}
