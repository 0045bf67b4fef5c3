import { commandKey } from '../core/commandKey.js';
import { envDigests } from '../core/envDigest.js';
import { type DeclaredPath, resolveDeclaredPath } from '../core/declaredPath.js';
import { UsageError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { type InputReport } from '../core/stepReport.js';
import { hashInputs } from './hashInputs.js';
import { type StepDefinition } from './stepDefinition.js';

/** A step with its inputs hashed and its key computed. */
export interface PreparedStep {
  definition: StepDefinition;
  key: string;
  outputs: DeclaredPath[];
  inputs: InputReport[];
  /** `[name, sha256 of the value or null]` per env name, by name: what a manifest records of the values. */
  envSha256: [string, string | null][];
  hashMs: number;
  /** Problems with the declaration that do not stop the step, for the report. */
  warnings: string[];
}

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function prepareStep(definition: StepDefinition, environment: NodeJS.ProcessEnv = process.env): Promise<PreparedStep> {
  const started = performance.now();
  if (definition.command.length === 0 || definition.command.every((line) => line.trim() === '')) {
    throw new UsageError('the command is empty: give the command to run (or, in command mode, the command string that identifies it)');
  }
  if (definition.outputs.length === 0) throw new UsageError('no outputs are declared: name at least one file or directory the command writes');
  const outputs = definition.outputs.map((output) => resolveDeclaredPath(definition.workingDirectory, output, 'output'));
  checkOutputsDistinct(outputs);
  for (const name of definition.env) {
    if (!envNamePattern.test(name)) throw new UsageError(`env "${name}" is not an environment variable name: use letters, digits and "_"`);
  }
  const inputs = await hashInputs(definition.workingDirectory, definition.deps);
  const key = commandKey({
    script: definition.command,
    deps: inputs.map((input) => [input.path, input.sha256] as const),
    env: Object.fromEntries(definition.env.map((name) => [name, environment[name]])),
    extra: definition.keyExtra,
    outputs: outputs.map((output) => output.relative),
  });
  const warnings = outputsAmongDeps(definition, outputs, inputs);
  return { definition, key, outputs, inputs, envSha256: envDigests(definition.env, environment), hashMs: performance.now() - started, warnings };
}

/**
 * An output that is also a dep changes the key each time the command writes it, so the step can
 * never hit: the declared deps (which may not exist before the first run) and the expanded files
 * (which catch a glob that reaches into an output) are both compared with the outputs.
 */
function outputsAmongDeps(definition: StepDefinition, outputs: readonly DeclaredPath[], inputs: readonly InputReport[]): string[] {
  const deps = definition.deps.map((entry) => resolveDeclaredPath(definition.workingDirectory, entry, 'dep').relative);
  const warnings: string[] = [];
  for (const output of outputs.map((declared) => declared.relative)) {
    const inside = (path: string): boolean => path === output || path.startsWith(`${output}/`);
    const dep = deps.find((path) => inside(path) || output.startsWith(`${path}/`)) ?? inputs.find((input) => inside(input.path))?.path;
    if (dep === undefined) continue;
    const how = dep === output ? 'is also a dep' : output.startsWith(`${dep}/`) ? `is inside dep "${printable(dep)}"` : `holds dep "${printable(dep)}"`;
    warnings.push(
      `output "${printable(output)}" ${how}: the command changes it, so the key changes with every run and the step never hits; ` +
        'remove it from the deps, or move the output out of the dep',
    );
  }
  return warnings;
}

/** Two outputs that overlap would be saved twice and restored over each other. */
function checkOutputsDistinct(outputs: readonly DeclaredPath[]): void {
  for (const a of outputs) {
    for (const b of outputs) {
      if (a === b) continue;
      if (a.relative === b.relative) throw new UsageError(`output "${a.relative}" is declared twice: declare it once`);
      if (b.relative.startsWith(`${a.relative}/`)) {
        throw new UsageError(`output "${b.relative}" is inside output "${a.relative}": declare only "${a.relative}"`);
      }
    }
  }
}
