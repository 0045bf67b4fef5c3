import { availableParallelism } from 'node:os';
import { UsageError } from '../core/errors.js';
import { pipelineGraph } from '../core/pipelineGraph.js';
import { type PipelineProject } from '../core/pipelineProject.js';
import { loadProject } from '../pipeline/loadProject.js';
import { pipelineRemote, pipelineRemoteOrigin } from '../pipeline/pipelineRemote.js';
import { planJson, planLines, projectListing, runTable, transferTable } from '../pipeline/pipelineText.js';
import { planPipeline } from '../pipeline/planPipeline.js';
import { runPipeline } from '../pipeline/runPipeline.js';
import { SkipState } from '../pipeline/skipState.js';
import { outcomeJson } from '../pipeline/stepOutcome.js';
import { pullPipeline, pushPipeline, type TransferOutcome } from '../pipeline/transferPipeline.js';
import { savePolicy, stepContext, stepOptionSpecs, type StepOptions } from './cliOptions.js';
import { type CommandOutcome } from './commandOutcome.js';
import { parseOptions } from './parseOptions.js';
import { jsonLines, writeLines } from './terminalOutput.js';

/* The pipeline commands: run, plan, push and pull, each a thin adapter over src/pipeline. */

const pipelineOptionSpecs = {
  ...stepOptionSpecs,
  project: { type: 'string' },
  jobs: { type: 'string' },
  pull: { type: 'string', default: 'needed' },
  step: { type: 'string', multiple: true, default: [] as string[] },
  'job-url': { type: 'string' },
} as const;

/** Options of a single step that mean nothing for a project, whose file declares each step. */
const stepOnly = ['deps', 'outputs', 'env', 'key-extra', 'working-directory', 'command'] as const;

interface PipelineInvocation {
  options: ReturnType<typeof parsePipelineOptions>;
  project: PipelineProject;
  names: string[];
}

function parsePipelineOptions(args: string[], command: string) {
  return parseOptions(args, pipelineOptionSpecs, command);
}

/** `--vars.NAME VALUE` and `--vars.NAME=VALUE` taken out of the arguments (a name alone means "true", as in Weasel). */
export function takeVars(args: readonly string[]): { rest: string[]; vars: Map<string, string> } {
  const rest: string[] = [];
  const vars = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const match = /^--vars\.([^=]+)(?:=(.*))?$/s.exec(args[index]!);
    if (match === null) {
      rest.push(args[index]!);
      continue;
    }
    const next = args[index + 1];
    if (match[2] !== undefined) vars.set(match[1]!, match[2]);
    else if (next === undefined || next.startsWith('--')) vars.set(match[1]!, 'true');
    else vars.set(match[1]!, args[++index]!);
  }
  return { rest, vars };
}

async function invocation(args: string[], command: string): Promise<PipelineInvocation | { help: string }> {
  const { rest, vars } = takeVars(args);
  const options = parsePipelineOptions(rest, command);
  if (options.values.help) return { help: command };
  const given = stepOnly.find((name) => name in options.values && !isDefault(options.values[name]));
  if (given !== undefined) throw new UsageError(`--${given} is an option of a single step: a project file declares each command's; see stoat ${command} --help`);
  const project = await loadProject({ project: options.values.project, workingDirectory: process.cwd(), vars, environment: process.env });
  return { options, project, names: options.positionals };
}

function isDefault(value: unknown): boolean {
  return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

async function contextOf(run: PipelineInvocation) {
  const { options, project } = run;
  const values = { ...options.values, remote: pipelineRemote(project, options.values.remote), concurrency: options.values.concurrency ?? project.concurrency?.toString() };
  try {
    return await stepContext({ ...options, values } as StepOptions, project.directory, process.env);
  } catch (error) {
    const origin = pipelineRemoteOrigin(project, options.values.remote);
    if (!(error instanceof UsageError) || origin === undefined) throw error;
    throw new UsageError(`${error.message} (the remote is ${origin}: give --remote to use another)`);
  }
}

function jobsOf(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const jobs = Number(text);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`--jobs is "${text}": use a whole number from 1 to 256`);
  return jobs;
}

function pullOf(text: string): 'needed' | 'all' {
  if (text !== 'needed' && text !== 'all') throw new UsageError(`--pull is "${text}": use needed (restore what a step that runs reads) or all`);
  return text;
}

/** `stoat run [NAME...]` */
export async function runProjectCommand(args: string[]): Promise<CommandOutcome> {
  const run = await invocation(args, 'run');
  if ('help' in run) return run;
  const { options, project } = run;
  const only = options.values.step;
  if (only.length > 0 && run.names.length > 0) throw new UsageError(`give either names to run (${run.names.join(' ')}) or --step, not both: --step runs exactly the steps named, restoring what they need`);
  if (run.names.length === 0 && only.length === 0) return { lines: projectListing(run.project), exitCode: 0 };
  const json = options.values.json;
  const settings = { jobs: jobsOf(options.values.jobs), pull: pullOf(options.values.pull), policy: savePolicy(options as StepOptions) };
  const graph = pipelineGraph(project, only.length > 0 ? only : run.names);
  writeLines(process.stderr, graph.warnings.map((warning) => `stoat: warning: ${warning}`));
  const lineStream = json ? process.stderr : process.stdout;
  const outcomes = await runPipeline(graph, {
    ...settings,
    only: only.length > 0 ? new Set(only) : undefined,
    project,
    context: await contextOf(run),
    state: await SkipState.read(project.directory),
    onLine: (step, _stream, line) => writeLines(lineStream, [`${step} | ${line}`]),
    onStep: (step) => writeLines(process.stderr, step.status === 'running' ? [`stoat: ${step.name}: running`] : [`stoat: ${step.name}: ${step.status}`, ...step.warnings.map((warning) => `stoat: warning: ${step.name}: ${warning}`)]),
  });
  const exitCode = outcomes.some((outcome) => outcome.status === 'failed' || outcome.status === 'not-run') ? 1 : 0;
  if (!json) return { lines: runTable(outcomes), exitCode };
  writeLines(process.stderr, runTable(outcomes));
  const jobUrl = options.values['job-url'];
  return { lines: jsonLines({ steps: outcomes.map((outcome) => (jobUrl === undefined ? outcomeJson(outcome) : { ...outcomeJson(outcome), job_url: jobUrl })) }), exitCode };
}

/** `stoat plan [NAME...]` */
export async function planCommand(args: string[]): Promise<CommandOutcome> {
  const run = await invocation(args, 'plan');
  if ('help' in run) return run;
  if (run.names.length === 0) return { lines: projectListing(run.project), exitCode: 0 };
  const graph = pipelineGraph(run.project, run.names);
  writeLines(process.stderr, graph.warnings.map((warning) => `stoat: warning: ${warning}`));
  const plan = await planPipeline(run.project, graph, await contextOf(run), await SkipState.read(run.project.directory));
  return { lines: run.options.values.json ? jsonLines(planJson(plan)) : planLines(plan), exitCode: 0 };
}

/** `stoat push [NAME...]` */
export async function pushCommand(args: string[]): Promise<CommandOutcome> {
  return transferCommand(args, 'push', pushPipeline);
}

/** `stoat pull [NAME...]` */
export async function pullCommand(args: string[]): Promise<CommandOutcome> {
  return transferCommand(args, 'pull', pullPipeline);
}

type Transfer = typeof pushPipeline;

async function transferCommand(args: string[], name: string, transfer: Transfer): Promise<CommandOutcome> {
  const run = await invocation(args, name);
  if ('help' in run) return run;
  const { project, options } = run;
  const commands = run.names.length === 0 ? project.commands : project.commands.filter((command) => pipelineGraph(project, run.names).targets.includes(command.name));
  const outcomes: TransferOutcome[] = await transfer(commands, { project, context: await contextOf(run), state: await SkipState.read(project.directory), policy: savePolicy(options as StepOptions) });
  const exitCode = outcomes.some((outcome) => outcome.status === 'failed') ? 1 : 0;
  return { lines: options.values.json ? jsonLines({ commands: outcomes }) : transferTable(outcomes), exitCode };
}
