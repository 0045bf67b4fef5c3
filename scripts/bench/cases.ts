// The transfer cases: for each dataset, each run and each tool, one sequence of steps on a fresh
// remote prefix (cold save, restore into an empty directory, restore again, save again, save after a
// change), each step measured, and every restored tree checked byte for byte against the dataset.
// The tools take turns within each run, the first of one run the last of the next.
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type Dataset, type DatasetName, writeChangedCopy } from './datasets.js';
import { measure, type Measurement } from './measure.js';
import { type CountingProxy, type Service } from './services.js';
import { makeOneObject } from './oneObject.js';
import { checkOneObjectRestore, isInstalled, type Peers, stepsOf, toolCommand, type ToolCommandContext } from './peers.js';
import { allTools, type Step, type StepContext, type Tool } from './tools.js';
import { checkRestoredTree } from './treeCheck.js';
import { type Traffic } from './traffic.js';

export interface StepResult {
  dataset: DatasetName;
  tool: Tool;
  step: Step;
  run: number;
  wallMs: number;
  peakRssBytes: number | null;
  cpuSeconds: number | null;
  serverCpuSeconds: number | null;
  traffic: Traffic;
  /** From stoat's `--json` report. */
  report?: { status: string; transferredBytes: number; durationsMs: Record<string, number> };
  /** For `save-changed`: what was rewritten. */
  changed?: { files: number; bytes: number };
  /** Why the step does not count: a failed command, a miss where a hit was due, wrong bytes. */
  failure?: string;
  /** The 1-minute load average right after the step: the machine may be shared. */
  loadAfter: number;
  timedOut?: boolean;
}

export interface BenchContext {
  stoatCli: string;
  peers: Peers;
  proxy: CountingProxy;
  /** s3rver and the proxy: the CPU they use during a step is part of what the step costs. */
  servers: readonly Service[];
  bucket: string;
  /** s3rver's own URL, for measuring what the proxy costs. */
  s3Url: string;
  /** s3rver's storage directory: a finished run's prefix is deleted there to save disk. */
  s3Directory: string;
  benchDirectory: string;
  workDirectory: string;
  /** Distinguishes this invocation's keys and prefixes. */
  runId: string;
  /** A command still running after this long is killed and its step fails. */
  commandTimeoutSeconds: number;
  log(line: string): void;
}

export interface DatasetPlan {
  dataset: Dataset;
  steps: Step[];
  /** Runs of each tool; a peer's may be fewer than stoat's where its run takes too long (D3); 0 skips it. */
  runs: Record<Tool, number>;
  /**
   * A tool whose run took longer than this is not run again on this dataset: on a scale set, one run
   * of an engine that makes a request per file can take most of an hour, and one run is a result.
   */
  slowRunSeconds?: number;
}

export interface PlanOutcome {
  results: StepResult[];
  /** What was cut short, to be stated beside the numbers. */
  notes: string[];
}

interface StoatReport {
  status: string;
  outputs: { transferred_bytes: number }[];
  durations_ms: Record<string, number>;
}

const restoreSteps: ReadonlySet<Step> = new Set(['restore-empty', 'restore-present']);

/** The stoat report, or why the step failed. */
function readStoatReport(step: Step, measurement: Measurement): { report?: StepResult['report']; failure?: string } {
  let parsed: StoatReport;
  try {
    parsed = JSON.parse(measurement.stdout) as StoatReport;
  } catch {
    return { failure: `stoat printed no JSON report: ${measurement.stderr.trim().slice(0, 500)}` };
  }
  const report = {
    status: parsed.status,
    transferredBytes: parsed.outputs.reduce((sum, output) => sum + output.transferred_bytes, 0),
    durationsMs: parsed.durations_ms,
  };
  if (parsed.status === 'error') return { report, failure: `stoat reported an error: ${measurement.stderr.trim().slice(0, 500)}` };
  if (restoreSteps.has(step) && parsed.status !== 'hit') return { report, failure: `stoat restore was a ${parsed.status}, not a hit` };
  return { report };
}

async function runStep(context: BenchContext & ToolCommandContext, tool: Tool, step: Step, run: number, stepContext: StepContext, sequenceDirectory: string): Promise<StepResult> {
  const { dataset } = stepContext;
  let changed: StepResult['changed'];
  if (step === 'save-changed') {
    const copy = await writeChangedCopy(dataset, stepContext.changedRoot);
    changed = { files: copy.files, bytes: copy.bytes };
  }
  const invocation = toolCommand(tool, step, stepContext, context, sequenceDirectory);
  const rssFile = join(context.workDirectory, `${stepContext.prefix}.rss`);
  const measurement = await measure(invocation.argv, { cwd: invocation.cwd, env: invocation.env, proxy: context.proxy, servers: context.servers, rssFile, timeoutMs: context.commandTimeoutSeconds * 1000 });
  const result: StepResult = {
    dataset: dataset.spec.name, tool, step, run,
    wallMs: measurement.wallMs, peakRssBytes: measurement.peakRssBytes, cpuSeconds: measurement.cpuSeconds, serverCpuSeconds: measurement.serverCpuSeconds, traffic: measurement.traffic, changed, loadAfter: loadavg()[0]!,
  };
  if (measurement.timedOut) {
    // A report on stdout means the work was done and only the exit never came.
    const reported = tool === 'stoat' && readStoatReport(step, measurement).report !== undefined;
    result.failure = `${tool} did not exit within ${context.commandTimeoutSeconds} s${reported ? ' although it had printed its report (it hangs after finishing)' : ''}; killed`;
    result.timedOut = true;
    return result;
  }
  if (measurement.exitCode !== 0) {
    result.failure = `${tool} exited with code ${measurement.exitCode}: ${`${measurement.stderr}${measurement.stdout}`.trim().slice(0, 800)}`;
    return result;
  }
  if (tool === 'stoat') Object.assign(result, readStoatReport(step, measurement));
  if (result.failure === undefined && restoreSteps.has(step)) {
    const problems = tool === 'limit' ? await checkOneObjectRestore(stepContext, context) : await checkRestoredTree(dataset, stepContext.restoreRoot);
    if (problems.length > 0) result.failure = `${tool} restored a tree that differs from ${dataset.spec.name}: ${problems.join('; ')}`;
  }
  // A save cannot be checked byte for byte here, but one that sent less than what changed missed a change.
  if (result.failure === undefined && changed !== undefined && result.traffic.bytesSent < changed.bytes) {
    result.failure = `${tool} sent ${result.traffic.bytesSent} bytes, fewer than the ${changed.bytes} bytes of the ${changed.files} changed files: it did not save the change`;
  }
  return result;
}

/** One run of one tool over one dataset: all its steps on a fresh prefix, then its data removed. */
async function runSequence(context: BenchContext & ToolCommandContext, plan: DatasetPlan, tool: Tool, run: number): Promise<StepResult[]> {
  const prefix = `${tool}-${plan.dataset.spec.name}-${context.runId}-r${run}`;
  const sequenceDirectory = join(context.workDirectory, prefix);
  const stepContext: StepContext = {
    dataset: plan.dataset, bucket: context.bucket, prefix, runId: `${context.runId}-r${run}`, proxyUrl: context.proxy.url,
    restoreRoot: join(sequenceDirectory, 'restore'), changedRoot: join(sequenceDirectory, 'changed'),
  };
  await mkdir(stepContext.restoreRoot, { recursive: true });
  const results: StepResult[] = [];
  try {
    for (const step of stepsOf(tool, plan.steps)) {
      const result = await runStep(context, tool, step, run, stepContext, sequenceDirectory);
      results.push(result);
      const seconds = (result.wallMs / 1000).toFixed(2);
      const serverErrors = result.traffic.failures === 0 ? '' : ` (${result.traffic.failures} failed: ${result.traffic.failureDetails.join('; ')})`;
      context.log(`  ${plan.dataset.spec.name} ${tool} run ${run} ${step}: ${seconds} s, ${result.traffic.requests} requests${serverErrors}${result.failure === undefined ? '' : ` FAILED: ${result.failure}`}`);
      // The later steps of a sequence build on the earlier ones: after a failure they mean nothing.
      if (result.failure !== undefined) break;
    }
  } finally {
    await rm(sequenceDirectory, { recursive: true, force: true });
    // s3rver keeps no index beside its files, so deleting a prefix's directory deletes its objects.
    await rm(join(context.s3Directory, context.bucket, prefix), { recursive: true, force: true });
  }
  return results;
}

/** Every run of every tool over one dataset, rotating which tool goes first so drift in the machine's load falls on all. */
export async function runDatasetPlan(context: BenchContext, plan: DatasetPlan): Promise<PlanOutcome> {
  const results: StepResult[] = [];
  const notes: string[] = [];
  const runsOf = { ...plan.runs };
  for (const tool of allTools) if (!isInstalled(context.peers, tool)) runsOf[tool] = 0;
  // The limit's one object is the dataset's tar, made here, outside any timing.
  const oneObjectTar = runsOf.limit > 0 ? await makeOneObject(plan.dataset, context.workDirectory) : null;
  const commandContext = { ...context, oneObjectTar };
  try {
    for (let run = 1; run <= Math.max(...Object.values(runsOf)); run += 1) {
      const tools = allTools.filter((tool) => run <= runsOf[tool]);
      const shift = (run - 1) % Math.max(tools.length, 1);
      for (const tool of [...tools.slice(shift), ...tools.slice(0, shift)]) {
        const started = performance.now();
        results.push(...(await runSequence(commandContext, plan, tool, run)));
        const note = cutShort(plan, tool, run, runsOf, (performance.now() - started) / 1000, results);
        if (note !== null) notes.push(note);
      }
    }
  } finally {
    if (oneObjectTar !== null) await rm(oneObjectTar, { force: true });
  }
  return { results, notes };
}

/** Whether a tool's run means its remaining runs on this dataset are skipped (lowering `runsOf`), and why. */
function cutShort(plan: DatasetPlan, tool: Tool, run: number, runsOf: Record<Tool, number>, seconds: number, results: StepResult[]): string | null {
  const name = plan.dataset.spec.name.toUpperCase();
  if (run >= runsOf[tool]) return null;
  // A command that hung once will hang again: more runs would only spend the timeout again.
  if (results.some((result) => result.tool === tool && result.run === run && result.timedOut === true)) {
    const note = `${name}: ${tool} ran ${run} time(s), not ${runsOf[tool]}: a command of its run ${run} did not exit and was killed.`;
    runsOf[tool] = run;
    return note;
  }
  if (plan.slowRunSeconds !== undefined && seconds > plan.slowRunSeconds) {
    const note = `${name}: ${tool} ran ${run} time(s), not ${runsOf[tool]}: its run ${run} took ${(seconds / 60).toFixed(1)} minutes (limit ${(plan.slowRunSeconds / 60).toFixed(0)}), so its ${name} figures are not medians of 3.`;
    runsOf[tool] = run;
    return note;
  }
  return null;
}
