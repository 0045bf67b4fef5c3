import { UsageError } from './errors.js';
import { interpolateText, type ProjectVariables } from './projectInterpolation.js';
import { emptyYamlMap, type YamlList, type YamlMap, type YamlNode } from './projectYaml.js';

/**
 * Reads typed values out of a project file's tree, each string with its variables replaced; a value
 * of the wrong type is an error naming the file, the line, the field and the type it needs.
 */
export class ProjectFields {
  constructor(
    readonly file: string,
    readonly variables: ProjectVariables,
  ) {}

  /** An error about a value written at `line`. */
  error(line: number, message: string): UsageError {
    return new UsageError(`${line > 0 ? `${this.file}:${line}` : this.file}: ${message}`);
  }

  /** A string (Weasel's StrictStr: a number is not one), interpolated. */
  text(node: YamlNode, what: string): string {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') throw this.error(node.line, `${what} must be a string, not ${describe(node)}: quote it`);
    return interpolateText(node.value, this.variables, { file: this.file, line: node.line });
  }

  /** A string, or nothing when absent or empty (`help:` with no value). */
  optionalText(node: YamlNode | undefined, what: string): string | undefined {
    return node === undefined || isNull(node) ? undefined : this.text(node, what);
  }

  /** A scalar shown as text: for `title`, which Weasel reads as a plain `str` (a number becomes its digits). */
  looseText(node: YamlNode | undefined, what: string): string {
    if (node === undefined || isNull(node)) return '';
    if (node.kind === 'scalar' && typeof node.value !== 'string') return String(node.value);
    return this.text(node, what);
  }

  /** A list of strings; absent or empty is an empty list. */
  texts(node: YamlNode | undefined, what: string): string[] {
    if (node === undefined || isNull(node)) return [];
    return this.list(node, `${what} must be a list of strings, one per line (- item)`).items.map((item, index) => this.text(item, `item ${index + 1} of ${what}`));
  }

  list(node: YamlNode, message: string): YamlList {
    if (node.kind !== 'list') throw this.error(node.line, `${message}, not ${describe(node)}`);
    return node;
  }

  /** A mapping; absent or empty is an empty one. */
  map(node: YamlNode | undefined, what: string): YamlMap {
    if (node === undefined || isNull(node)) return emptyYamlMap(node?.line);
    if (node.kind !== 'map') throw this.error(node.line, `${what} must be a mapping (name: value lines), not ${describe(node)}`);
    return node;
  }

  /** A map's string values, interpolated: `remotes`, name → URL. */
  textMap(node: YamlNode | undefined, what: string): Map<string, string> {
    const map = this.map(node, what);
    return new Map([...map.entries].map(([key, value]) => [key, this.text(value, `${what}.${key}`)]));
  }
}

export function isNull(node: YamlNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

function describe(node: YamlNode): string {
  if (node.kind === 'list') return 'a list';
  if (node.kind === 'map') return 'a mapping';
  return node.value === null ? 'empty' : `${typeof node.value === 'string' ? 'the string' : `the ${typeof node.value}`} ${JSON.stringify(node.value)}`;
}
