import { UsageError } from './errors.js';
import { pipelineEdges } from './pipelineEdges.js';
import type { PipelineGraph, PipelineProject } from './pipelineProject.js';

/**
 * The steps that running `targets` (workflow and/or command names) covers: the commands they name
 * and every command upstream of those, transitively, in file order. A workflow that leaves out a
 * command one of its steps needs still gets it, as upstream, with a warning: the file is taken as it
 * is, never refused for being ambiguous. A cycle is refused, as no order can run it.
 */
export function pipelineGraph(project: PipelineProject, targets: readonly string[]): PipelineGraph {
  const edges = pipelineEdges(project.commands);
  const named = namedCommands(project, targets);
  const included = upstreamClosure(named, edges.needs);
  const steps = project.commands.map((command) => command.name).filter((name) => included.has(name));
  const needs = new Map(steps.map((name) => [name, edges.needs.get(name) ?? []]));
  refuseCycles(steps, needs);
  const warnings = steps.flatMap((name) => edges.warnings.get(name) ?? []);
  warnings.push(...omittedProducers(project, targets, named, needs));
  return { steps, needs, warnings, targets: steps.filter((name) => named.has(name)) };
}

/** The commands `targets` name, a workflow standing for its commands. */
function namedCommands(project: PipelineProject, targets: readonly string[]): Set<string> {
  const commands = new Set(project.commands.map((command) => command.name));
  const named = new Set<string>();
  for (const target of targets) {
    const workflow = project.workflows.get(target);
    if (workflow !== undefined) for (const name of workflow) named.add(name);
    else if (commands.has(target)) named.add(target);
    else throw new UsageError(`"${target}" is neither a command nor a workflow of ${project.file}: ${choices(project)}`);
  }
  return named;
}

function choices(project: PipelineProject): string {
  const commands = project.commands.map((command) => command.name);
  const workflows = [...project.workflows.keys()];
  const commandText = commands.length > 0 ? `commands ${commands.join(', ')}` : 'no commands';
  return `name one of its ${commandText}${workflows.length > 0 ? `; workflows ${workflows.join(', ')}` : ''}`;
}

function upstreamClosure(named: ReadonlySet<string>, needs: ReadonlyMap<string, readonly string[]>): Set<string> {
  const included = new Set(named);
  const pending = [...named];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const upstream of needs.get(name) ?? []) {
      if (included.has(upstream)) continue;
      included.add(upstream);
      pending.push(upstream);
    }
  }
  return included;
}

/**
 * For each workflow among the targets, each command it leaves out that one of its commands needs
 * (and that no target names): Weasel would run the workflow without it, on whatever the disk holds;
 * stoat runs it first when its outputs are not current.
 */
function omittedProducers(project: PipelineProject, targets: readonly string[], named: ReadonlySet<string>, needs: ReadonlyMap<string, readonly string[]>): string[] {
  const warnings: string[] = [];
  for (const target of new Set(targets)) {
    const members = project.workflows.get(target);
    if (members === undefined) continue;
    // Each left-out command, with the workflow's steps that need it.
    const omitted = new Map<string, string[]>();
    for (const member of new Set(members)) {
      for (const upstream of needs.get(member) ?? []) if (!members.includes(upstream) && !named.has(upstream)) omitted.set(upstream, [...(omitted.get(upstream) ?? []), member]);
    }
    for (const [upstream, consumers] of omitted) {
      warnings.push(`workflow ${target} leaves out ${upstream}, which makes deps of its ${consumers.length === 1 ? 'step' : 'steps'} ${consumers.join(', ')}: ${upstream} runs as upstream when its outputs are not current`);
    }
  }
  return warnings;
}

/** Refuses the graph when commands wait on each other in a ring, naming every command of each ring. */
function refuseCycles(steps: readonly string[], needs: ReadonlyMap<string, readonly string[]>): void {
  const rings = stronglyConnected(steps, needs).filter((component) => component.length > 1);
  if (rings.length === 0) return;
  const order = new Map(steps.map((name, index) => [name, index]));
  const described = rings.map((ring) => ring.sort((first, second) => (order.get(first) ?? 0) - (order.get(second) ?? 0)).join(', '));
  throw new UsageError(
    `the commands ${described.join('; and ')} depend on each other in a cycle (each needs another's outputs as deps): ` +
      'no order can run them; remove the dep or output that closes the cycle',
  );
}

/** Tarjan's strongly connected components, over `steps` only. */
function stronglyConnected(steps: readonly string[], needs: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (name: string): void => {
    index.set(name, index.size);
    lowest.set(name, index.get(name) ?? 0);
    stack.push(name);
    onStack.add(name);
    for (const upstream of needs.get(name) ?? []) {
      if (!index.has(upstream)) {
        visit(upstream);
        lowest.set(name, Math.min(lowest.get(name) ?? 0, lowest.get(upstream) ?? 0));
      } else if (onStack.has(upstream)) lowest.set(name, Math.min(lowest.get(name) ?? 0, index.get(upstream) ?? 0));
    }
    if (lowest.get(name) !== index.get(name)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === name) break;
    }
    components.push(component);
  };
  for (const name of steps) if (!index.has(name)) visit(name);
  return components;
}

/**
 * Groups `steps` (a subset of the graph's steps) into waves: every step's upstream within the set,
 * directly or through steps outside it, is in an earlier wave. Each wave is in file order.
 */
export function wavesOf(graph: PipelineGraph, steps: ReadonlySet<string>): string[][] {
  const depth = new Map<string, number>();
  // graph.steps is in file order, but a producer may come later in the file than its consumer.
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    let deepest = 0;
    for (const upstream of graph.needs.get(name) ?? []) deepest = Math.max(deepest, depthOf(upstream) + (steps.has(upstream) ? 1 : 0));
    depth.set(name, deepest);
    return deepest;
  };
  const waves: string[][] = [];
  for (const name of graph.steps) {
    if (!steps.has(name)) continue;
    const wave = depthOf(name);
    while (waves.length <= wave) waves.push([]);
    waves[wave].push(name);
  }
  const unknown = [...steps].filter((name) => !graph.needs.has(name));
  if (unknown.length > 0) throw new Error(`wavesOf was given steps outside the graph: ${unknown.join(', ')}`);
  return waves.filter((wave) => wave.length > 0);
}
