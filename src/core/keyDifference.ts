/**
 * What a command key is made of (the recipe in commandKey.ts), as a run has it or an earlier saved
 * result recorded it. Env values are compared by a digest, never shown: `undefined` where a result
 * recorded the name but not its value.
 */
export interface KeyMaterial {
  script: readonly string[];
  /** `[path, sha256]` of every dep file. */
  deps: readonly (readonly [string, string])[];
  /** `[name, sha256 of the value, or null when unset]`. */
  env: readonly (readonly [string, string | null | undefined])[];
  extra: string;
  /** The declared outputs; undefined where an earlier result did not record them. */
  outputs: readonly string[] | undefined;
}

/**
 * One line of the script as it was and as it is; `before` or `after` is absent for an added or
 * removed line. `line` counts from 1, in the script as it is (as it was, for a removed line).
 */
export interface LineChange {
  line: number;
  before?: string;
  after?: string;
}

export interface DepChange {
  path: string;
  before: string;
  after: string;
}

/** Every way two keys' materials differ; empty lists and `false` where they agree. */
export interface KeyDifference {
  script: LineChange[];
  deps: { added: string[]; removed: string[]; changed: DepChange[] };
  env: { added: string[]; removed: string[]; changed: string[] };
  extra: boolean;
  outputs: { added: string[]; removed: string[] };
  /** What the earlier material did not record, so could not be compared: env names whose value, and whether the outputs. */
  unrecorded: { env: string[]; outputs: boolean };
}

/** How `after` differs from `before`: the reasons a step that ran before under one key now has another. */
export function keyDifference(before: KeyMaterial, after: KeyMaterial): KeyDifference {
  const oldDeps = new Map(before.deps);
  const newDeps = new Map(after.deps);
  const oldEnv = new Map(before.env);
  const newEnv = new Map(after.env);
  return {
    script: lineChanges(before.script, after.script),
    deps: {
      added: [...newDeps.keys()].filter((path) => !oldDeps.has(path)),
      removed: [...oldDeps.keys()].filter((path) => !newDeps.has(path)),
      changed: [...newDeps].filter(([path, sha256]) => oldDeps.has(path) && oldDeps.get(path) !== sha256).map(([path, sha256]) => ({ path, before: oldDeps.get(path)!, after: sha256 })),
    },
    env: {
      added: [...newEnv.keys()].filter((name) => !oldEnv.has(name)),
      removed: [...oldEnv.keys()].filter((name) => !newEnv.has(name)),
      // A value an earlier result did not record cannot be said to have changed.
      changed: [...newEnv].filter(([name, value]) => oldEnv.has(name) && oldEnv.get(name) !== undefined && value !== undefined && oldEnv.get(name) !== value).map(([name]) => name),
    },
    extra: before.extra !== after.extra,
    outputs: outputChanges(before.outputs, after.outputs),
    unrecorded: {
      env: [...newEnv].filter(([name, value]) => oldEnv.has(name) && (oldEnv.get(name) === undefined || value === undefined)).map(([name]) => name),
      outputs: before.outputs === undefined || after.outputs === undefined,
    },
  };
}

function outputChanges(before: readonly string[] | undefined, after: readonly string[] | undefined): KeyDifference['outputs'] {
  if (before === undefined || after === undefined) return { added: [], removed: [] };
  return { added: after.filter((path) => !before.includes(path)), removed: before.filter((path) => !after.includes(path)) };
}

export function isNoDifference(difference: KeyDifference): boolean {
  const { deps, env, outputs } = difference;
  return (
    difference.script.length === 0 &&
    !difference.extra &&
    [deps.added, deps.removed, deps.changed, env.added, env.removed, env.changed, outputs.added, outputs.removed].every((list) => list.length === 0)
  );
}

/**
 * The lines that differ, in script order: the longest run of lines the two share stays, the rest
 * pairs up where a line was replaced (`--epochs 10` → `--epochs 20`) and stands alone where it was
 * added or removed. Scripts are a few lines: the quadratic table costs nothing.
 */
function lineChanges(before: readonly string[], after: readonly string[]): LineChange[] {
  const common = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const changes: LineChange[] = [];
  const removed: { line: number; text: string }[] = [];
  const added: { line: number; text: string }[] = [];
  const flush = (): void => {
    for (let index = 0; index < Math.max(removed.length, added.length); index++) {
      const old = removed[index];
      const now = added[index];
      changes.push({ line: (now ?? old)!.line, ...(old === undefined ? {} : { before: old.text }), ...(now === undefined ? {} : { after: now.text }) });
    }
    removed.length = 0;
    added.length = 0;
  };
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      flush();
      i++;
      j++;
    } else if (j >= after.length || (i < before.length && common[i + 1]![j]! >= common[i]![j + 1]!)) {
      removed.push({ line: i + 1, text: before[i++]! });
    } else {
      added.push({ line: j + 1, text: after[j++]! });
    }
  }
  flush();
  return changes;
}
