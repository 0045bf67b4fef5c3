import { resolveDeclaredPath } from './declaredPath.js';
import { errorMessage } from './errors.js';
import type { PipelineCommand, PipelineProject } from './pipelineProject.js';
import { isNull, ProjectFields } from './projectFields.js';
import { applyOverrides, type ProjectOverride } from './projectOverrides.js';
import { stoatSection } from './projectStoatSection.js';
import { emptyYamlMap, valueOfText, type YamlMap, type YamlNode } from './projectYaml.js';

/** Where the file is and what comes from outside it. */
export interface ProjectSource {
  /** The project file, absolute. */
  file: string;
  directory: string;
  overrides: readonly ProjectOverride[];
  environment: Readonly<Record<string, string | undefined>>;
}

// Weasel's command schema forbids any other key (`extra = "forbid"`).
const commandKeys = ['name', 'help', 'script', 'deps', 'outputs', 'outputs_no_cache', 'no_skip'];

/**
 * A parsed project file checked as Weasel checks it, then read into the project the planner runs,
 * every string with its `${vars.…}` and `${env.…}` replaced. Unknown top-level keys are ignored, as
 * Weasel ignores them; unknown keys inside a command, and inside `stoat:`, are errors.
 */
export function projectOfYaml(root: YamlNode, source: ProjectSource): PipelineProject {
  const bare = new ProjectFields(source.file, { vars: emptyYamlMap(), env: emptyYamlMap() });
  if (isNull(root)) throw bare.error(0, 'the project file is empty: declare its commands under commands:');
  const top = bare.map(root, 'the project file');
  const variables = applyOverrides({ vars: bare.map(top.entries.get('vars'), 'vars'), env: environmentValues(bare, top.entries.get('env'), source.environment) }, source.overrides);
  const fields = new ProjectFields(source.file, variables);
  const commands = commandList(fields, top.entries.get('commands'), source.directory);
  const workflows = workflowMap(fields, top, commands);
  const stoat = stoatSection(fields, top.entries.get('stoat'), commands.map((command) => command.name));
  for (const command of commands) Object.assign(command, stoat.commands.get(command.name) ?? {});
  return {
    file: source.file,
    directory: source.directory,
    title: fields.looseText(top.entries.get('title'), 'title'),
    description: fields.looseText(top.entries.get('description'), 'description'),
    commands,
    workflows,
    remotes: fields.textMap(top.entries.get('remotes'), 'remotes'),
    directories: fields.texts(top.entries.get('directories'), 'directories'),
    assets: assetDestinations(fields, top.entries.get('assets')),
    remote: stoat.remote,
    concurrency: stoat.concurrency,
  };
}

/** `env:` maps a name to an environment variable; its value is read as JSON when it parses, and is "" when unset. */
function environmentValues(fields: ProjectFields, node: YamlNode | undefined, environment: ProjectSource['environment']): YamlMap {
  const map = fields.map(node, 'env');
  const entries = new Map<string, YamlNode>();
  for (const [name, variable] of map.entries) {
    if (variable.kind !== 'scalar' || typeof variable.value !== 'string') throw fields.error(variable.line, `env.${name} must name an environment variable (${name}: VARIABLE_NAME)`);
    entries.set(name, valueOfText(environment[variable.value] ?? ''));
  }
  return { ...map, entries };
}

function commandList(fields: ProjectFields, node: YamlNode | undefined, directory: string): PipelineCommand[] {
  if (node === undefined || isNull(node)) return [];
  const commands = fields.list(node, 'commands must be a list of commands (- name: …)').items.map((item, index) => commandOf(fields, item, index, directory));
  const lines = new Map<string, number>();
  for (const command of commands) {
    const first = lines.get(command.name);
    if (first !== undefined) throw fields.error(command.line, `the command name "${command.name}" is used twice (lines ${first} and ${command.line}): rename one, as names must be unique`);
    lines.set(command.name, command.line);
  }
  return commands;
}

function commandOf(fields: ProjectFields, node: YamlNode, index: number, directory: string): PipelineCommand {
  const map = fields.map(node, `command ${index + 1} of commands`);
  const nameNode = map.entries.get('name');
  if (nameNode === undefined || isNull(nameNode)) throw fields.error(map.line, `command ${index + 1} of commands has no name: add name: to it`);
  const name = fields.text(nameNode, `the name of command ${index + 1}`);
  for (const [key, line] of map.keyLines) {
    if (!commandKeys.includes(key)) {
      throw fields.error(line, `command "${name}" has an unknown key "${key}": a command takes ${commandKeys.join(', ')}; stoat's own settings go under stoat: commands: ${name}:`);
    }
  }
  const list = (key: string): string[] => fields.texts(map.entries.get(key), `${key} of command "${name}"`);
  const paths = (key: string, kind: 'dep' | 'output'): string[] => declaredPaths(fields, map.entries.get(key), list(key), kind, name, directory);
  return {
    name,
    help: fields.optionalText(map.entries.get('help'), `help of command "${name}"`) ?? '',
    script: list('script'),
    deps: paths('deps', 'dep'),
    outputs: paths('outputs', 'output'),
    outputsNoCache: paths('outputs_no_cache', 'output'),
    noSkip: flag(fields, map.entries.get('no_skip'), `no_skip of command "${name}"`),
    env: [],
    keyExtra: '',
    line: map.line,
  };
}

/**
 * Deps and outputs in the form keys use (relative to the project folder, `/`-separated): a path
 * outside the folder is refused here, with its line, before anything runs.
 */
function declaredPaths(fields: ProjectFields, node: YamlNode | undefined, raw: readonly string[], kind: 'dep' | 'output', name: string, directory: string): string[] {
  const items = node?.kind === 'list' ? node.items : [];
  return raw.map((path, index) => {
    try {
      return resolveDeclaredPath(directory, path, kind).relative;
    } catch (error) {
      throw fields.error(items[index]?.line ?? 0, `command "${name}": ${errorMessage(error)}`);
    }
  });
}

function flag(fields: ProjectFields, node: YamlNode | undefined, what: string): boolean {
  if (node === undefined || isNull(node)) return false;
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
  throw fields.error(node.line, `${what} must be true or false`);
}

/** `workflows:` name → command names, checked as Weasel checks them. */
function workflowMap(fields: ProjectFields, top: YamlMap, commands: readonly PipelineCommand[]): Map<string, string[]> {
  const map = fields.map(top.entries.get('workflows'), 'workflows');
  const names = commands.map((command) => command.name);
  const workflows = new Map<string, string[]>();
  for (const [workflow, node] of map.entries) {
    const line = map.keyLines.get(workflow) ?? map.line;
    const clash = commands.find((command) => command.name === workflow);
    if (clash !== undefined) throw fields.error(line, `the workflow "${workflow}" has the name of a command (line ${clash.line}): rename the workflow`);
    if (isNull(node)) throw fields.error(line, `the workflow "${workflow}" lists no commands: list them (- name), or remove it`);
    const steps = fields.list(node, `the workflow "${workflow}" must be a list of command names`).items;
    workflows.set(
      workflow,
      steps.map((step, index) => {
        const name = fields.text(step, `step ${index + 1} of the workflow "${workflow}"`);
        if (!names.includes(name)) throw fields.error(step.line, `the workflow "${workflow}" runs "${name}", which is no command of the file: name one of ${names.join(', ') || '(there are none)'}`);
        return name;
      }),
    );
  }
  return workflows;
}

/** Where `assets:` put their files: stoat does not fetch them, but says so when one is missing. */
function assetDestinations(fields: ProjectFields, node: YamlNode | undefined): string[] {
  if (node === undefined || node.kind !== 'list') return [];
  return node.items.flatMap((asset) => {
    const destination = asset.kind === 'map' ? asset.entries.get('dest') : undefined;
    return destination === undefined ? [] : [fields.text(destination, 'dest of an asset')];
  });
}
