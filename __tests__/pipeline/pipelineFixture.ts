import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { planExplicitScope } from '../../src/core/scope.js';
import { type PipelineCommand, type PipelineProject } from '../../src/core/pipelineProject.js';
import { pipelineGraph } from '../../src/core/pipelineGraph.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { runPipeline } from '../../src/pipeline/runPipeline.js';
import { SkipState } from '../../src/pipeline/skipState.js';
import { type StepOutcome } from '../../src/pipeline/stepOutcome.js';

/** A command as the loader gives it, with the fields a test does not care about filled in. */
export function command(name: string, fields: Partial<PipelineCommand>): PipelineCommand {
  return { name, help: '', script: [], deps: [], outputs: [], outputsNoCache: [], noSkip: false, env: [], keyExtra: '', line: 1, ...fields };
}

export function project(directory: string, commands: PipelineCommand[], workflows: Record<string, string[]> = {}): PipelineProject {
  return {
    file: join(directory, 'project.yml'),
    directory,
    title: '',
    description: '',
    commands,
    workflows: new Map(Object.entries(workflows)),
    remotes: new Map(),
    directories: [],
    remote: undefined,
    concurrency: undefined,
  };
}

/** A real directory remote, with every call to it counted: a spy, not a stand-in. */
export async function countingRemote(directory: string): Promise<{ remote: Remote; calls: () => number }> {
  await mkdir(directory, { recursive: true });
  const real = await openRemote(directory, directory);
  let count = 0;
  const remote = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'locate') return value;
      return (...args: unknown[]) => {
        count++;
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { remote, calls: () => count };
}

export function contextOf(remote: Remote): StepContext {
  return { remote, scope: planExplicitScope('local', 'tests run as the CLI does'), concurrency: 4, failOnCacheError: false, environment: { ...process.env } };
}

/** Runs the targets as `stoat run` does, the command lines collected by step. */
export async function run(pipeline: PipelineProject, targets: string[], remote: Remote, options: { jobs?: number; pull?: 'needed' | 'all'; only?: string[] } = {}): Promise<{ outcomes: StepOutcome[]; lines: string[] }> {
  const lines: string[] = [];
  const outcomes = await runPipeline(pipelineGraph(pipeline, targets), {
    project: pipeline,
    context: contextOf(remote),
    state: await SkipState.read(pipeline.directory),
    policy: 'auto',
    jobs: options.jobs ?? 4,
    pull: options.pull ?? 'needed',
    only: options.only === undefined ? undefined : new Set(options.only),
    onLine: (step, _stream, line) => lines.push(`[${step}] ${line}`),
  });
  return { outcomes, lines };
}

export function statuses(outcomes: readonly StepOutcome[]): Record<string, string> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.name, outcome.status]));
}

export async function removeAll(...paths: string[]): Promise<void> {
  for (const path of paths) await rm(path, { recursive: true, force: true });
}
