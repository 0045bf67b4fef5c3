import { UsageError } from './errors.js';
import { valueText } from './projectValueText.js';
import type { YamlMap, YamlNode } from './projectYaml.js';

/** What `${vars.…}` and `${env.…}` refer to: the file's `vars:`, and its `env:` with each value read from the environment. */
export interface ProjectVariables {
  vars: YamlMap;
  env: YamlMap;
}

/** Where a string was written, for messages. */
export interface TextPlace {
  file: string;
  line: number;
}

// Python's configparser, which Weasel's config goes through, stops at this depth of references.
const deepestReference = 10;

/**
 * A string of the project file with every `${vars.a.b}` and `${env.X}` replaced, as Weasel does it:
 * a variable's own references are replaced in turn; a `$` before anything but `{` stays a `$`
 * (there is no escape for `${`). `${a:b}` is `${a.b}`.
 */
export function interpolateText(text: string, variables: ProjectVariables, place: TextPlace, depth = 1): string {
  if (!text.includes('${')) return text;
  if (depth > deepestReference) throw new UsageError(`${where(place)}: variables refer to each other more than ${deepestReference} deep (a loop?) in "${text}": make one of them a plain value`);
  let result = '';
  let index = 0;
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', index)) {
    const end = text.indexOf('}', start);
    if (end === -1) throw new UsageError(`${where(place)}: "${text}" has \${ without a closing }: write \${vars.NAME} or \${env.NAME}`);
    const reference = text.slice(start + 2, end);
    const value = lookUp(reference, variables, place);
    const shown = valueText(value);
    result += text.slice(index, start) + (value.kind === 'scalar' && typeof value.value === 'string' ? interpolateText(shown, variables, place, depth + 1) : shown);
    index = end + 1;
  }
  return result + text.slice(index);
}

function lookUp(reference: string, variables: ProjectVariables, place: TextPlace): YamlNode {
  const [section, ...path] = reference.replaceAll(':', '.').split('.');
  if ((section !== 'vars' && section !== 'env') || path.length === 0 || path.some((part) => part === '')) {
    throw new UsageError(`${where(place)}: \${${reference}} is no variable a project file can use: write \${vars.NAME} for a value under vars:, or \${env.NAME} for one under env:`);
  }
  let node: YamlNode = variables[section];
  for (const [position, part] of path.entries()) {
    const next: YamlNode | undefined = node.kind === 'map' ? node.entries.get(part) : undefined;
    if (next === undefined) throw undefinedVariable(reference, section, path.slice(0, position + 1).join('.'), place);
    node = next;
  }
  return node;
}

function undefinedVariable(reference: string, section: 'vars' | 'env', missing: string, place: TextPlace): UsageError {
  const fix =
    section === 'vars'
      ? `define ${missing} under vars: in the file, or give it with --vars.${missing} VALUE`
      : `map ${missing} to an environment variable under env: in the file (${missing}: VARIABLE_NAME)`;
  return new UsageError(`${where(place)}: \${${reference}} is not defined: ${fix}`);
}

function where(place: TextPlace): string {
  return place.line > 0 ? `${place.file}:${place.line}` : place.file;
}
