import { Alias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { UsageError } from './errors.js';

/**
 * A project file's YAML as a tree that remembers where each value was written, so that every error
 * about the file can name its line. Scalars keep whether they were written as floats: Weasel is
 * Python, where `1.0` stays `1.0` when put into a string, and a path or a script line built from a
 * variable must read the same under both tools.
 */
export type YamlNode = YamlScalar | YamlList | YamlMap;

interface Position {
  /** 1-based; 0 for a value that comes from no file (a `--vars` override, an environment variable). */
  line: number;
  column: number;
}

export interface YamlScalar extends Position {
  kind: 'scalar';
  value: string | number | boolean | null;
  float: boolean;
}

export interface YamlList extends Position {
  kind: 'list';
  items: YamlNode[];
}

export interface YamlMap extends Position {
  kind: 'map';
  entries: Map<string, YamlNode>;
  /** Key → the line the key is written on. */
  keyLines: Map<string, number>;
}

export function emptyYamlMap(line = 0): YamlMap {
  return { kind: 'map', entries: new Map(), keyLines: new Map(), line, column: 0 };
}

/** Parses a project file's text (YAML 1.2, as Weasel's loader reads it); a syntax error names its line and column. */
export function parseProjectYaml(text: string, file: string): YamlNode {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UsageError(`${file}:${line}:${col}: the YAML does not parse: ${what}; fix the file there`);
  }
  const convert = (node: unknown, offset: number): YamlNode => {
    const resolved = node instanceof Alias ? node.resolve(document) : node;
    const { line, col: column } = lineCounter.linePos((resolved as Node | undefined)?.range?.[0] ?? offset);
    if (isMap(resolved)) {
      const entries = new Map<string, YamlNode>();
      const keyLines = new Map<string, number>();
      const merged: YamlNode[] = [];
      for (const pair of resolved.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyOffset = (pair.key as Node | null)?.range?.[0] ?? offset;
        const value = convert(pair.value, keyOffset);
        // `<<: *base` (or a list of them) merges a mapping's keys in, as Weasel's YAML loader does.
        if (key === '<<' && (value.kind === 'map' || value.kind === 'list')) {
          merged.push(...(value.kind === 'map' ? [value] : value.items));
          continue;
        }
        keyLines.set(key, lineCounter.linePos(keyOffset).line);
        entries.set(key, value);
      }
      const map: YamlMap = { kind: 'map', entries, keyLines, line, column };
      for (const source of merged) mergeInto(map, source);
      return map;
    }
    if (isSeq(resolved)) return { kind: 'list', items: resolved.items.map((item) => convert(item, offset)), line, column };
    if (isScalar(resolved)) return scalarOf(resolved.value, resolved.source, line, column);
    // An empty value (`deps:` with nothing after it) is null, as in Python.
    return { kind: 'scalar', value: null, float: false, line, column };
  };
  return convert(document.contents, 0);
}

/** Adds the keys of `source` that `map` does not have: a merge key's mapping never overrides a key written beside it. */
function mergeInto(map: YamlMap, source: YamlNode): void {
  if (source.kind !== 'map') return;
  for (const [key, value] of source.entries) {
    if (map.entries.has(key)) continue;
    map.entries.set(key, value);
    map.keyLines.set(key, source.keyLines.get(key) ?? map.line);
  }
}

function scalarOf(value: unknown, source: string | undefined, line: number, column: number): YamlScalar {
  if (typeof value === 'number') return { kind: 'scalar', value, float: !/^[-+]?(0x[0-9a-f]+|0o[0-7]+|[0-9]+)$/i.test(source ?? String(value)), line, column };
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return { kind: 'scalar', value, float: false, line, column };
  // Timestamps and binary need a custom tag, which the core schema has not: whatever else is text.
  return { kind: 'scalar', value: String(value), float: false, line, column };
}

/**
 * A value given as text outside the file (a `--vars` override, an environment variable named under
 * `env:`), read as Weasel reads it: as JSON when it parses, otherwise as the string itself.
 */
export function valueOfText(text: string): YamlNode {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'scalar', value: text, float: false, line: 0, column: 0 };
  }
  return nodeOfJson(parsed, /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) && /[.eE]/.test(text));
}

function nodeOfJson(value: unknown, float: boolean): YamlNode {
  const position = { line: 0, column: 0 };
  if (Array.isArray(value)) return { kind: 'list', items: value.map((item) => nodeOfJson(item, false)), ...position };
  if (value !== null && typeof value === 'object') {
    const entries = new Map(Object.entries(value).map(([key, item]) => [key, nodeOfJson(item, false)]));
    return { kind: 'map', entries, keyLines: new Map([...entries.keys()].map((key) => [key, 0])), ...position };
  }
  return { kind: 'scalar', value: value as string | number | boolean | null, float: float && typeof value === 'number', ...position };
}
