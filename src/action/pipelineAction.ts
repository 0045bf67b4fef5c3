import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import * as core from '@actions/core';
import { UsageError } from '../core/errors.js';
import { pipelineGraph } from '../core/pipelineGraph.js';
import { type PipelineProject } from '../core/pipelineProject.js';
import { loadProject } from '../pipeline/loadProject.js';
import { pipelineRemote } from '../pipeline/pipelineRemote.js';
import { runTable } from '../pipeline/pipelineText.js';
import { runPipeline } from '../pipeline/runPipeline.js';
import { SkipState } from '../pipeline/skipState.js';
import { outcomeJson, type StepOutcome } from '../pipeline/stepOutcome.js';
import { renderPipelineSummary } from '../report/pipelineSummary.js';
import { defaultBudgetBytes, minimumBudgetBytes, renderSummary } from '../report/summaryMarkdown.js';
import { actionContext } from './actionContext.js';
import { countInput, readSharedInputs, type SharedInputs } from './actionInputs.js';
import { logLines, logWarning } from './actionLog.js';
import { newReportPath, writeSummary } from './publishReport.js';

/** The pipeline mode's inputs: the project file, what to run, and the inputs every mode reads. */
export interface PipelineInputs extends SharedInputs {
  project: PipelineProject;
  targets: string[];
  jobs: number;
}

/** Reads the pipeline mode's inputs; `run` and `command` belong to the single-step mode. */
export async function readPipelineInputs(environment: NodeJS.ProcessEnv): Promise<PipelineInputs> {
  const stepInputs = ['run', 'command', 'deps', 'outputs', 'env', 'key-extra'].filter((name) => core.getInput(name).trim() !== '');
  if (stepInputs.length > 0) throw new UsageError(`the input "project" runs a pipeline, whose file declares each command: remove ${stepInputs.map((name) => `"${name}"`).join(', ')}, or use them without "project" for a single step`);
  const shared = readSharedInputs(environment);
  const project = await loadProject({ project: core.getInput('project'), workingDirectory: shared.workingDirectory, vars: new Map(), environment });
  const targets = core.getInput('workflow').split(/\s+/u).filter((name) => name !== '');
  if (targets.length === 0) throw new UsageError(`the input "workflow" is empty: name the workflows or commands of ${project.file} to run, one per line (${[...project.workflows.keys(), ...project.commands.map((command) => command.name)].slice(0, 12).join(', ')})`);
  const jobs = core.getInput('jobs') === '' ? availableParallelism() : countInput('jobs', 256);
  // The project file's own remote counts as given: the Action's default applies only when neither names one.
  const fromProject = core.getInput('remote') === '' ? pipelineRemote(project, undefined) : undefined;
  const remoteSettings = fromProject === undefined ? {} : { remote: fromProject, remoteChoice: { reason: `the project file's: the input "remote" is not set, and ${project.file} names it`, warning: undefined } };
  const concurrency = core.getInput('concurrency') === '' && project.concurrency !== undefined ? { concurrency: project.concurrency } : {};
  return { ...shared, ...remoteSettings, ...concurrency, workingDirectory: project.directory, project, targets, jobs };
}

/**
 * Pipeline mode: runs the workflows and commands named, restoring what it can and saving what it
 * runs, each step under the same rules as a single step; one summary (table, graph, each step's
 * section) and the outputs `hit` (nothing ran), `ran` (names, JSON) and `report` (JSON file).
 */
export async function runPipelineAction(environment: NodeJS.ProcessEnv): Promise<void> {
  const inputs = await readPipelineInputs(environment);
  const graph = pipelineGraph(inputs.project, inputs.targets);
  for (const warning of graph.warnings) logWarning(warning);
  const outcomes = await runPipeline(graph, {
    jobs: inputs.jobs,
    pull: 'needed',
    policy: inputs.save,
    project: inputs.project,
    context: await actionContext(inputs, environment),
    state: await SkipState.read(inputs.project.directory),
    onLine: (step, _stream, line) => logLines([`${step} | ${line}`]),
    onStep: (step) => logLines(step.status === 'running' ? [`stoat: ${step.name}: running`] : [`stoat: ${step.name}: ${step.status}`]),
  });
  for (const outcome of outcomes) for (const warning of outcome.warnings) logWarning(`${outcome.name}: ${warning}`);
  logLines(runTable(outcomes));
  const reportPath = publishOutcomes(outcomes, environment);
  if (inputs.summary) await writeSummary(renderPipelineSummary(graph, outcomes, stepSections(outcomes)), environment, reportPath);
  const failed = outcomes.filter((outcome) => outcome.status === 'failed');
  if (failed.length > 0) core.setFailed(`${failed.map((outcome) => outcome.name).join(', ')} failed; the steps after ${failed.length === 1 ? 'it' : 'them'} did not run`);
}

function publishOutcomes(outcomes: readonly StepOutcome[], environment: NodeJS.ProcessEnv): string {
  const reportPath = newReportPath(environment);
  writeFileSync(reportPath, `${JSON.stringify({ steps: outcomes.map(outcomeJson) }, null, 2)}\n`);
  const ran = outcomes.filter((outcome) => outcome.status === 'ran').map((outcome) => outcome.name);
  core.setOutput('hit', ran.length === 0 && outcomes.every((outcome) => outcome.status === 'skipped' || outcome.status === 'restored') ? 'true' : 'false');
  core.setOutput('ran', JSON.stringify(ran));
  core.setOutput('report', reportPath);
  return reportPath;
}

/** GitHub takes at most 1 MiB of summary from a step: the steps' sections share most of it, the table and graph keep the rest. */
const sectionsBudgetBytes = 768 * 1024;

/** Each step the engine restored or ran, as a single step's summary shows it (collapsed under the table). */
function stepSections(outcomes: readonly StepOutcome[]): Map<string, string> {
  const reported = outcomes.filter((outcome) => outcome.report !== undefined);
  const budgetBytes = Math.max(minimumBudgetBytes, Math.min(defaultBudgetBytes, Math.floor(sectionsBudgetBytes / Math.max(1, reported.length))));
  return new Map(reported.map((outcome) => [outcome.name, renderSummary(outcome.report!, { title: outcome.name, budgetBytes })]));
}
