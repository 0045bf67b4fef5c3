import { type Manifest } from '../core/manifest.js';
import { wavesOf } from '../core/pipelineGraph.js';
import { type PipelineGraph, type PipelineProject } from '../core/pipelineProject.js';
import { type StepContext } from '../engine/stepContext.js';
import { type Assessment, assessStep } from './assessStep.js';
import { type SkipState } from './skipState.js';

export type PlanStatus = Assessment['status'] | 'pending';

/** A step of the plan: the assessment, or pending when its key waits on an upstream step that must run. */
export type PlannedStep = { name: string; needs: string[] } & (Assessment | { status: 'pending'; key: null; reason: string });

export interface PipelinePlan {
  steps: PlannedStep[];
  /** The steps that must run or are pending, grouped so each one's upstream is in an earlier wave. */
  waves: string[][];
}

/**
 * Every step of the graph assessed in order, without running or downloading anything: a step
 * downstream of a saved result gets its key from that result's manifests; one downstream of a step
 * that must run is pending, as its key depends on what that step will write.
 */
export async function planPipeline(project: PipelineProject, graph: PipelineGraph, context: StepContext, state: SkipState): Promise<PipelinePlan> {
  // Each step is assessed as soon as the steps it needs are, so independent steps ask the remote at once.
  const assessing = new Map<string, Promise<PlannedStep>>();
  for (const name of planOrder(graph)) {
    const needs = graph.needs.get(name) ?? [];
    assessing.set(name, Promise.all(needs.map((upstream) => assessing.get(upstream)!)).then((upstream) => planStep(project, name, needs, upstream, context, state)));
  }
  const steps = await Promise.all([...assessing.values()]);
  const busy = new Set(steps.filter((step) => step.status === 'run' || step.status === 'pending').map((step) => step.name));
  return { steps, waves: wavesOf(graph, busy) };
}

async function planStep(project: PipelineProject, name: string, needs: string[], upstream: readonly PlannedStep[], context: StepContext, state: SkipState): Promise<PlannedStep> {
  const waiting = upstream.filter((step) => step.status === 'run' || step.status === 'pending').map((step) => step.name);
  if (waiting.length > 0) {
    return { name, needs, status: 'pending', key: null, reason: `waits for ${waiting.join(', ')}, which must run first: its key depends on what ${waiting.length === 1 ? 'it writes' : 'they write'}` };
  }
  const command = project.commands.find((each) => each.name === name)!;
  return { name, needs, ...(await assessStep(project, command, context, state, upstreamManifests(needs, new Map(upstream.map((step) => [step.name, step]))))) };
}

/** The manifests of the upstream steps that are saved results, by output path. */
export function upstreamManifests(needs: readonly string[], planned: ReadonlyMap<string, PlannedStep>): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  for (const upstream of needs) {
    const step = planned.get(upstream);
    if (step?.status !== 'hit') continue;
    for (const [output, found] of step.found.manifests) manifests.set(output, found.manifest);
  }
  return manifests;
}

/**
 * The graph's steps in file order, except that a step comes after every step it needs: Weasel's
 * order for a file whose producers come first, and an order that can run for one whose do not.
 */
export function planOrder(graph: PipelineGraph): string[] {
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < graph.steps.length) {
    const next = graph.steps.find((name) => !placed.has(name) && (graph.needs.get(name) ?? []).every((upstream) => placed.has(upstream) || !graph.steps.includes(upstream)));
    if (next === undefined) throw new Error(`the steps ${graph.steps.filter((name) => !placed.has(name)).join(', ')} wait on each other`);
    placed.add(next);
    order.push(next);
  }
  return order;
}
