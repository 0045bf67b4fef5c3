import { existsSync } from 'node:fs';
import { commandKey, compareStrings } from '../core/commandKey.js';
import { envDigests } from '../core/envDigest.js';
import { comparablePath } from '../core/pipelineEdges.js';
import { type PipelineCommand, type PipelineProject } from '../core/pipelineProject.js';
import { type Manifest } from '../core/manifest.js';
import { type InputReport } from '../core/stepReport.js';
import { resolveDeclaredPath } from '../core/declaredPath.js';
import { hashInputs } from '../engine/hashInputs.js';
import { type PreparedStep, prepareStep } from '../engine/prepareStep.js';
import { type StepDefinition } from '../engine/stepDefinition.js';

/** The step the engine runs for a project command: its cached outputs only, in the project directory. */
export function stepDefinitionOf(project: PipelineProject, command: PipelineCommand): StepDefinition {
  return { workingDirectory: project.directory, command: command.script, deps: command.deps, outputs: command.outputs, env: command.env, keyExtra: command.keyExtra };
}

/** Every path a command declares it writes, cached (`outputs`) or not (`outputs_no_cache`). */
export function everyOutput(command: PipelineCommand): string[] {
  return [...command.outputs, ...command.outputsNoCache];
}

/**
 * Outputs of upstream steps that are saved results not (yet) on this disk, by output path: their
 * manifests record every file's sha256, which is all a downstream key needs.
 */
export type UpstreamManifests = ReadonlyMap<string, Manifest>;

export interface KeyedStep {
  key: string;
  /** The engine's view of the step, for restoring, explaining and saving; undefined without cached outputs. */
  prepared: PreparedStep | undefined;
}

/**
 * The engine's command key of a command (layout v1 recipe, as prepareStep computes it), where the
 * files of deps that lie in `upstream` outputs are taken from their manifests instead of the disk.
 * The engine validates the declaration (outputs, env names) as for any step.
 */
export async function keyStep(project: PipelineProject, command: PipelineCommand, environment: NodeJS.ProcessEnv, upstream: UpstreamManifests): Promise<KeyedStep> {
  const definition = stepDefinitionOf(project, command);
  const fromManifests = command.deps.filter((dep) => coveringOutput(dep, upstream) !== undefined);
  if (fromManifests.length === 0 && command.outputs.length > 0) {
    const prepared = withoutInPlaceWarnings(await prepareStep(definition, environment));
    return { key: prepared.key, prepared };
  }
  const local = await hashInputs(project.directory, command.deps.filter((dep) => !fromManifests.includes(dep)));
  const inputs = mergeInputs(local, manifestInputs(fromManifests, upstream));
  const outputs = command.outputs.map((output) => resolveDeclaredPath(project.directory, output, 'output').relative);
  const key = commandKey({
    script: command.script,
    deps: inputs.map((input) => [input.path, input.sha256] as const),
    env: Object.fromEntries(command.env.map((name) => [name, environment[name]])),
    extra: command.keyExtra,
    outputs,
  });
  if (command.outputs.length === 0) return { key, prepared: undefined };
  // The engine checks the outputs and env names; the deps it would hash are the ones merged above.
  const checked = await prepareStep({ ...definition, deps: [] }, environment);
  return { key, prepared: { ...checked, key, inputs, envSha256: envDigests(command.env, environment) } };
}

/**
 * The engine warns that a step whose outputs are among its deps never hits. A pipeline records such
 * a step under the key of its deps after the rewrite, so it is skipped while they stay; the graph
 * names the in-place rewrite in its warnings instead.
 */
function withoutInPlaceWarnings(prepared: PreparedStep): PreparedStep {
  return { ...prepared, warnings: prepared.warnings.filter((warning) => !/^output ".*" (is also a dep|is inside dep|holds dep)/.test(warning)) };
}

/** The deps that are neither on disk nor made by an upstream saved result: assets, or outputs of a step not selected. */
export function missingDeps(project: PipelineProject, command: PipelineCommand, upstream: UpstreamManifests): string[] {
  return command.deps.filter((dep) => coveringOutput(dep, upstream) === undefined && !/[*?[\]{}]/.test(dep) && !existsSync(resolveDeclaredPath(project.directory, dep, 'dep').absolute));
}

function coveringOutput(dep: string, upstream: UpstreamManifests): string | undefined {
  const path = comparablePath(dep);
  return [...upstream.keys()].find((output) => path === output || path.startsWith(`${output}/`));
}

/** The files a manifest records under each dep, with the paths the disk would give them. */
function manifestInputs(deps: readonly string[], upstream: UpstreamManifests): InputReport[] {
  const inputs: InputReport[] = [];
  for (const dep of deps) {
    const path = comparablePath(dep);
    const manifest = upstream.get(coveringOutput(dep, upstream)!)!;
    for (const file of manifest.files) {
      const full = manifest.kind === 'file' ? manifest.output : `${manifest.output}/${file.path}`;
      // A manifest records sha256 only: md5 and sha1 are known once the file is on disk.
      if (full === path || full.startsWith(`${path}/`)) inputs.push({ path: full, size: file.size, sha256: file.sha256, md5: '', sha1: '' });
    }
  }
  return inputs;
}

/** One entry per path, sorted as dependency expansion sorts them. */
function mergeInputs(...lists: InputReport[][]): InputReport[] {
  const byPath = new Map<string, InputReport>();
  for (const list of lists) for (const input of list) byPath.set(input.path, input);
  return [...byPath.keys()].sort(compareStrings).map((path) => byPath.get(path)!);
}
