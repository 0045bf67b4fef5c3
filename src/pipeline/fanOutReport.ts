import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, UsageError } from '../core/errors.js';
import { type PipelineGraph, type StepVerdict, stepVerdicts } from '../core/pipelineProject.js';
import { type PipelineSummaryStep, renderPipelineSummary } from '../report/pipelineSummary.js';

/** A step as `stoat plan --json` wrote it. */
interface PlannedEntry {
  name: string;
  status: 'skip' | 'hit' | 'run' | 'pending';
  needs: string[];
  reason: string;
}

/** A step as a leg's `stoat run --json` wrote it. */
interface LegEntry {
  name: string;
  status: StepVerdict;
  reason: string;
  duration_ms: number;
  job_url?: string;
}

/** A pipeline run spread over jobs, put back together: the summary, and what the workflow outputs. */
export interface FanOutReport {
  markdown: string;
  /** True when no step ran and none failed. */
  hit: boolean;
  ran: string[];
  /** Steps that failed, and planned steps whose leg left no report. */
  failed: string[];
}

const planStatuses = new Set(['skip', 'hit', 'run', 'pending']);
const legStatuses = new Set<string>(stepVerdicts);

/**
 * Reads `<folder>/plan.json` (the plan job's `stoat plan --json`) and every `<folder>/steps/*.json`
 * (each leg's `stoat run --json`), and makes one summary of the whole run: the plan's hits as they
 * were planned, every step that had to run with its leg's verdict, and a step no leg reported (its
 * leg was cancelled, or a wave before it failed) as not run.
 */
export async function fanOutReport(folder: string): Promise<FanOutReport> {
  const planned = await readPlan(join(folder, 'plan.json'));
  const reported = await readLegs(join(folder, 'steps'));
  const steps: PipelineSummaryStep[] = planned.map((entry) => {
    if (entry.status === 'skip' || entry.status === 'hit') {
      return { name: entry.name, status: 'skipped', reason: `nothing to run: ${entry.reason}`, duration_ms: 0, saved_ms: null };
    }
    const leg = reported.get(entry.name);
    if (leg === undefined) return { name: entry.name, status: 'not-run', reason: 'no job reported this step: its job was cancelled, or a step it needs failed', duration_ms: 0, saved_ms: null };
    return { name: entry.name, status: leg.status, reason: leg.reason, duration_ms: leg.duration_ms, saved_ms: null, link: leg.job_url };
  });
  const graph: PipelineGraph = { steps: planned.map((entry) => entry.name), targets: [], needs: new Map(planned.map((entry) => [entry.name, entry.needs])), warnings: [] };
  const ran = steps.filter((step) => step.status === 'ran').map((step) => step.name);
  const failed = steps.filter((step) => step.status === 'failed' || step.status === 'not-run').map((step) => step.name);
  return { markdown: renderPipelineSummary(graph, steps), hit: ran.length === 0 && failed.length === 0, ran, failed };
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file} (${errorMessage(error)}): give the folder the plan and the steps' reports were downloaded into`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid JSON (${errorMessage(error)})`);
  }
}

async function readPlan(file: string): Promise<PlannedEntry[]> {
  const plan = (await readJson(file, 'the plan')) as { steps?: unknown };
  if (!Array.isArray(plan?.steps)) throw new UsageError(`the plan ${file} has no "steps" list: it must be what stoat plan --json prints`);
  return plan.steps.map((step: unknown, index) => {
    const entry = step as Partial<PlannedEntry>;
    const valid = typeof entry?.name === 'string' && planStatuses.has(entry.status as string) && Array.isArray(entry.needs) && entry.needs.every((name) => typeof name === 'string');
    if (!valid) throw new UsageError(`the plan ${file}: step ${index + 1} is not what stoat plan --json prints`);
    return { name: entry.name!, status: entry.status!, needs: entry.needs!, reason: typeof entry.reason === 'string' ? entry.reason : '' };
  });
}

/** Every leg's steps by name; a name reported twice keeps its worst verdict, so a failure is never hidden. */
async function readLegs(folder: string): Promise<Map<string, LegEntry>> {
  const legs = new Map<string, LegEntry>();
  let files: string[];
  try {
    files = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return legs;
  }
  for (const name of files) {
    const report = (await readJson(join(folder, name), 'the step report')) as { steps?: unknown };
    if (!Array.isArray(report?.steps)) throw new UsageError(`the step report ${join(folder, name)} has no "steps" list: it must be what stoat run --json prints`);
    for (const step of report.steps as Partial<LegEntry>[]) {
      if (typeof step?.name !== 'string' || !legStatuses.has(step.status as string)) throw new UsageError(`the step report ${join(folder, name)} holds a step that is not what stoat run --json prints`);
      const entry: LegEntry = { name: step.name, status: step.status!, reason: typeof step.reason === 'string' ? step.reason : '', duration_ms: typeof step.duration_ms === 'number' ? step.duration_ms : 0, job_url: typeof step.job_url === 'string' ? step.job_url : undefined };
      const earlier = legs.get(entry.name);
      if (earlier === undefined || severity(entry) > severity(earlier)) legs.set(entry.name, entry);
    }
  }
  return legs;
}

function severity(entry: LegEntry): number {
  return ['skipped', 'restored', 'ran', 'not-run', 'failed'].indexOf(entry.status);
}
