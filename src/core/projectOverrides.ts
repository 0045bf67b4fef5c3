import { UsageError } from './errors.js';
import type { ProjectVariables } from './projectInterpolation.js';
import { valueOfText, type YamlMap, type YamlNode } from './projectYaml.js';
import { shellWords } from './shellWords.js';

/** A value set from outside the file: `--vars.a.b VALUE`, or an entry of WEASEL_CONFIG_OVERRIDES. */
export interface ProjectOverride {
  /** `vars.a.b` or `env.X`. */
  name: string;
  value: YamlNode;
  /** Where it was given, for messages: `--vars.a.b` or `WEASEL_CONFIG_OVERRIDES`. */
  origin: string;
}

export const overridesVariable = 'WEASEL_CONFIG_OVERRIDES';

/**
 * The overrides in the order they apply: the command line's, then the environment's, which win
 * (Weasel merges them as `{**cli, **env}`). `vars` holds the names after `--vars.` with their values.
 */
export function projectOverrides(vars: ReadonlyMap<string, string>, environment: Readonly<Record<string, string | undefined>>): ProjectOverride[] {
  const fromCommandLine = [...vars].map(([name, text]) => ({ name: `vars.${name}`, value: valueOfText(text), origin: `--vars.${name}` }));
  return [...fromCommandLine, ...environmentOverrides(environment[overridesVariable] ?? '')];
}

/** WEASEL_CONFIG_OVERRIDES read as Weasel reads it: `--a.b VALUE`, `--a.b=VALUE`, or `--a.b` alone for `true`. */
function environmentOverrides(text: string): ProjectOverride[] {
  let words: string[];
  try {
    words = shellWords(text);
  } catch (error) {
    throw new UsageError(`${overridesVariable} does not split into words (${(error as Error).message.replace(/^script line /, '')})`);
  }
  const overrides: ProjectOverride[] = [];
  while (words.length > 0) {
    const word = words.shift()!;
    if (!word.startsWith('--')) throw new UsageError(`${overridesVariable} holds "${word}" where an override should start: write --vars.NAME VALUE`);
    let name = word.replaceAll('--', '');
    let text: string;
    if (name.includes('=')) {
      const cut = name.indexOf('=');
      // Weasel turns dashes into underscores in the name of the `--name=value` form only.
      [name, text] = [name.slice(0, cut).replaceAll('-', '_'), name.slice(cut + 1)];
    } else text = words.length === 0 || words[0]!.startsWith('--') ? 'true' : words.shift()!;
    overrides.push({ name, value: valueOfText(text), origin: overridesVariable });
  }
  return overrides;
}

/** `variables` with the overrides set, in order; the originals are left as they are. */
export function applyOverrides(variables: ProjectVariables, overrides: readonly ProjectOverride[]): ProjectVariables {
  const result: ProjectVariables = { vars: copyMap(variables.vars), env: copyMap(variables.env) };
  for (const override of overrides) {
    const [section, ...path] = override.name.split('.');
    if ((section !== 'vars' && section !== 'env') || path.length === 0 || path.some((part) => part === '')) {
      throw new UsageError(`${override.origin} sets "${override.name}": a project file's overrides name a value under vars: or env:, as --vars.NAME VALUE`);
    }
    let map: YamlMap = result[section];
    for (const [position, part] of path.slice(0, -1).entries()) {
      const next = map.entries.get(part);
      if (next?.kind !== 'map') {
        const parent = [section, ...path.slice(0, position + 1)].join('.');
        throw new UsageError(`${override.origin} sets "${override.name}", but ${parent} is not a mapping in the project file: override ${parent} itself, or add it under ${section}: as a mapping`);
      }
      map = next;
    }
    map.entries.set(path[path.length - 1]!, override.value);
  }
  return result;
}

function copyMap(map: YamlMap): YamlMap {
  const entries = new Map([...map.entries].map(([key, node]) => [key, node.kind === 'map' ? copyMap(node) : node]));
  return { ...map, entries, keyLines: new Map(map.keyLines) };
}
