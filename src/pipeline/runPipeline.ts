import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { comparablePath, pathsOverlap } from '../core/pipelineEdges.js';
import { type PipelineGraph, type PipelineProject } from '../core/pipelineProject.js';
import { type CommandStream, type OutputSink } from '../engine/outputSink.js';
import { lineOutput } from '../engine/lineOutput.js';
import { type Assessment, assessStep } from './assessStep.js';
import { executePlannedStep, type StepRunSettings } from './executePlannedStep.js';
import { type PipelinePlan, type PlannedStep, planPipeline, upstreamManifests } from './planPipeline.js';
import { type StepOutcome, stopsDownstream } from './stepOutcome.js';
import { everyOutput } from './stepKey.js';

export interface RunSettings extends StepRunSettings {
  /** Steps running at once. */
  jobs: number;
  /** needed: restore only what a step that runs reads, and the targets' outputs; all: every saved result. */
  pull: 'needed' | 'all';
  /** Each line a running step's command writes. */
  onLine: (step: string, stream: CommandStream, line: string) => void;
  /**
   * Run only these steps (`stoat run --step`, one job of a run spread over jobs): the others may be
   * skipped or restored, never run — a step they need that has no saved result makes them not run.
   */
  only?: ReadonlySet<string>;
  /** A step starts or ends: for a progress line. */
  onStep?: (outcome: StepOutcome | { name: string; status: 'running' }) => void;
}

/**
 * `stoat run`: plans the graph (checking outputs on disk first, so an unchanged project touches no
 * remote), then carries the plan out with up to `jobs` steps at once, each as soon as the steps it
 * needs are done. A step whose upstream ran is assessed again after it, with the outputs it wrote.
 * A failure stops the steps downstream of it (not-run); the others go on. Outcomes in plan order.
 */
export async function runPipeline(graph: PipelineGraph, settings: RunSettings): Promise<StepOutcome[]> {
  const plan = await planPipeline(settings.project, graph, settings.context, settings.state);
  // After the plan, so a declaration it refuses leaves nothing written.
  for (const folder of settings.project.directories) await mkdir(resolve(settings.project.directory, folder), { recursive: true });
  const planned = new Map(plan.steps.map((step) => [step.name, step]));
  const restore = wantedRestores(plan, graph, settings.pull);
  const writersBefore = earlierWriters(plan, settings.project);
  const done = new Map<string, StepOutcome>();
  const running = new Map<string, Promise<void>>();
  while (done.size < plan.steps.length) {
    let started = false;
    for (const step of plan.steps) {
      if (done.has(step.name) || running.has(step.name) || running.size >= settings.jobs) continue;
      if (!step.needs.every((upstream) => done.has(upstream)) || !writersBefore.get(step.name)!.every((writer) => done.has(writer))) continue;
      const stopped = step.needs.filter((upstream) => stopsDownstream(done.get(upstream)!));
      started = true;
      if (stopped.length > 0) {
        const outcome: StepOutcome = { name: step.name, status: 'not-run', reason: `not run: ${stopped.join(', ')} did not succeed`, key: null, duration_ms: 0, saved_ms: null, warnings: [] };
        done.set(step.name, outcome);
        settings.onStep?.(outcome);
        continue;
      }
      running.set(step.name, carryOut(step, planned, done, restore.has(step.name), settings).then((outcome) => {
        done.set(step.name, outcome);
        running.delete(step.name);
        settings.onStep?.(outcome);
      }));
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (!started) throw new Error('the pipeline cannot go on: no step is ready and none is running');
  }
  return plan.steps.map((step) => done.get(step.name)!);
}

async function carryOut(step: PlannedStep, planned: ReadonlyMap<string, PlannedStep>, done: ReadonlyMap<string, StepOutcome>, restore: boolean, settings: RunSettings): Promise<StepOutcome> {
  const started = performance.now();
  const command = settings.project.commands.find((each) => each.name === step.name)!;
  const finished = (outcome: Omit<StepOutcome, 'duration_ms'>): StepOutcome => ({ ...outcome, duration_ms: Math.round(performance.now() - started) });
  let assessment: Assessment;
  try {
    assessment = await currentAssessment(step, planned, done, settings);
  } catch (error) {
    // A declaration only this step's new inputs show to be wrong (a glob that now matches nothing) fails this step alone.
    return finished({ name: step.name, status: 'failed', reason: errorMessage(error), key: null, saved_ms: null, warnings: [] });
  }
  if (settings.only !== undefined && !settings.only.has(step.name) && assessment.status === 'run') {
    return finished({ name: step.name, status: 'not-run', reason: `not run here: ${step.name} has no saved result for its inputs, and only ${[...settings.only].join(', ')} may run in this job; its own job must save it first`, key: assessment.key, saved_ms: null, warnings: [] });
  }
  if (assessment.status !== 'skip') settings.onStep?.({ name: step.name, status: 'running' });
  const mayRun = settings.only === undefined || settings.only.has(step.name);
  return finished(await executePlannedStep(command, assessment, restore || step.status === 'pending', settings, prefixedSink(step.name, settings.onLine), mayRun));
}

/**
 * The plan's assessment, unless the step's key depends on what the steps before it wrote: a
 * pending step, or one below a saved result that could not be restored and ran instead.
 */
async function currentAssessment(step: PlannedStep, planned: ReadonlyMap<string, PlannedStep>, done: ReadonlyMap<string, StepOutcome>, settings: RunSettings): Promise<Assessment> {
  const upstreamRan = step.needs.some((upstream) => planned.get(upstream)!.status === 'hit' && done.get(upstream)!.status === 'ran');
  if (step.status !== 'pending' && !upstreamRan) return step;
  const command = settings.project.commands.find((each) => each.name === step.name)!;
  // Saved results upstream that were not downloaded still give their outputs' hashes.
  const unrestored = step.needs.filter((upstream) => done.get(upstream)!.status === 'skipped');
  return assessStep(settings.project, command, settings.context, settings.state, upstreamManifests(unrestored, planned));
}

/**
 * The saved results worth downloading: under `needed`, those a step that runs (or may run) reads,
 * and the named targets' own; under `all`, every one.
 */
function wantedRestores(plan: PipelinePlan, graph: PipelineGraph, pull: 'needed' | 'all'): Set<string> {
  const hits = plan.steps.filter((step) => step.status === 'hit').map((step) => step.name);
  if (pull === 'all') return new Set(hits);
  const readers = plan.steps.filter((step) => step.status === 'run' || step.status === 'pending');
  const read = new Set(readers.flatMap((step) => step.needs));
  const targets = new Set(graph.targets);
  return new Set(hits.filter((name) => read.has(name) || targets.has(name)));
}

/**
 * For each step, the steps before it in plan order that write a path it writes too (a path made by
 * two commands, or a folder and a file inside it): they never run at once, and the file's order
 * decides which writes last, as under Weasel.
 */
function earlierWriters(plan: PipelinePlan, project: PipelineProject): Map<string, string[]> {
  const writes = new Map(project.commands.map((command) => [command.name, everyOutput(command).map(comparablePath)]));
  const overlap = (first: string, second: string): boolean => writes.get(first)!.some((path) => writes.get(second)!.some((other) => pathsOverlap(path, other)));
  return new Map(plan.steps.map((step, index) => [step.name, plan.steps.slice(0, index).filter((earlier) => overlap(earlier.name, step.name)).map((earlier) => earlier.name)]));
}

/** Each whole line of a step's output, handed on with the step's name. */
function prefixedSink(name: string, onLine: RunSettings['onLine']): OutputSink {
  return lineOutput((stream, line) => onLine(name, stream, line));
}
