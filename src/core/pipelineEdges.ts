import { posix } from 'node:path';
import type { PipelineCommand } from './pipelineProject.js';

/**
 * Which command each command waits for: the producers of its deps. A dep depends on a producer when
 * the dep is one of the producer's outputs (`outputs` or `outputs_no_cache`), lies inside one, or is a
 * folder holding one (the folder's contents, and so the step's key, include what the producer writes).
 * Real project files are messy; each ambiguity is resolved by file order and named in `warnings`.
 */
export interface PipelineEdges {
  /** Command name → the commands it needs, in file order. Every command of the file has an entry. */
  needs: Map<string, string[]>;
  /** Command name → the warnings that arose while resolving its deps. */
  warnings: Map<string, string[]>;
}

/** A declared path in the form comparisons use: `/`-separated, no `./`, no trailing slash. */
export function comparablePath(raw: string): string {
  const normalised = posix.normalize(raw.trim().replaceAll('\\', '/'));
  return normalised.length > 1 ? normalised.replace(/\/+$/, '') : normalised;
}

/** One path is the other, or inside it. */
export function pathsOverlap(first: string, second: string): boolean {
  return first === second || first.startsWith(`${second}/`) || second.startsWith(`${first}/`) || first === '.' || second === '.';
}

interface Candidate {
  index: number;
  output: string;
}

export function pipelineEdges(commands: readonly PipelineCommand[]): PipelineEdges {
  const outputs = commands.map((command) => [...command.outputs, ...command.outputsNoCache].map(comparablePath));
  const needs = new Map<string, string[]>();
  const warnings = new Map<string, string[]>();
  commands.forEach((command, index) => {
    const needed = new Set<number>();
    const rewritten: string[] = [];
    // Paths made by several commands, grouped by who makes them and who wins, for one warning each.
    const contested = new Map<string, { producers: number[]; winners: number[]; paths: string[] }>();
    for (const dep of new Set(command.deps.map(comparablePath))) {
      if (outputs[index].some((output) => pathsOverlap(dep, output))) rewritten.push(dep);
      const candidates = candidatesFor(dep, index, outputs);
      const chosen = chooseProducers(candidates, index, commands.length);
      for (const candidate of chosen) needed.add(candidate.index);
      const producers = [...new Set(candidates.map((candidate) => candidate.index))];
      if (chosen.length === candidates.length || producers.length < 2) continue;
      const winners = [...new Set(chosen.map((candidate) => candidate.index))];
      const group = `${producers.join(',')}/${winners.join(',')}`;
      const entry = contested.get(group) ?? { producers, winners, paths: [] };
      entry.paths.push(dep);
      contested.set(group, entry);
    }
    const notes = [...contested.values()].map((entry) => twoProducersWarning(command.name, entry, index, commands));
    if (rewritten.length > 0) notes.unshift(inPlaceWarning(command.name, rewritten));
    needs.set(command.name, [...needed].sort((first, second) => first - second).map((producer) => commands[producer].name));
    if (notes.length > 0) warnings.set(command.name, notes);
  });
  return { needs, warnings };
}

/** Every output of another command that overlaps `dep`. */
function candidatesFor(dep: string, consumer: number, outputs: readonly string[][]): Candidate[] {
  const candidates: Candidate[] = [];
  outputs.forEach((paths, index) => {
    if (index === consumer) return;
    for (const output of paths) if (pathsOverlap(dep, output)) candidates.push({ index, output });
  });
  return candidates;
}

/**
 * Drops each candidate that another command's overlapping output outranks: the last producer before
 * the consumer in the file wins (it ran last under Weasel's list order), then the first one after it.
 * Outputs that do not overlap each other (two files of one folder dep) are all needed.
 */
function chooseProducers(candidates: readonly Candidate[], consumer: number, count: number): Candidate[] {
  const rank = (index: number): number => (index < consumer ? consumer - index : count + index);
  return candidates.filter(
    (candidate) => !candidates.some((other) => other.index !== candidate.index && pathsOverlap(other.output, candidate.output) && rank(other.index) < rank(candidate.index)),
  );
}

function inPlaceWarning(name: string, paths: readonly string[]): string {
  return `${name} rewrites its deps in place (${paths.join(', ')} ${paths.length === 1 ? 'is' : 'are'} also its outputs): it does not wait on itself`;
}

function twoProducersWarning(name: string, contest: { producers: number[]; winners: number[]; paths: string[] }, consumer: number, commands: readonly PipelineCommand[]): string {
  const names = (indices: readonly number[]): string => indices.map((index) => commands[index].name).join(' and ');
  const which = contest.winners.every((index) => index < consumer) ? 'the last one before it in the file' : 'the first one after it in the file, as none comes before it';
  const paths = contest.paths.length === 1 ? `${contest.paths[0]}, a dep of ${name}, is` : `${contest.paths.join(', ')}, deps of ${name}, are each`;
  return `${paths} made by ${contest.producers.length} commands (${names(contest.producers)}): ${name} waits for ${names(contest.winners)}, ${which}`;
}
