import { sha256Hex } from './fileDigests.js';

export interface CommandKeyParts {
  /** The command lines as given. */
  script: readonly string[];
  /** `[path, sha256]` over the expanded dependency files, sorted by path. */
  deps: readonly (readonly [string, string])[];
  /** Values of the declared environment variable names; unset is `undefined`. */
  env: Readonly<Record<string, string | undefined>>;
  extra: string;
  /** The declared output paths. */
  outputs: readonly string[];
}

/**
 * The command key (layout v1): sha256 of canonical JSON with a fixed key order. Canonical JSON
 * rather than concatenation so that no two different steps can produce the same hashed text.
 */
export function commandKey(parts: CommandKeyParts): string {
  const env = Object.keys(parts.env)
    .sort(compareStrings)
    .map((name) => [name, parts.env[name] ?? null]);
  const text = JSON.stringify({
    v: 1,
    script: parts.script,
    deps: parts.deps,
    env,
    extra: parts.extra,
    outputs: [...parts.outputs].sort(compareStrings),
  });
  return sha256Hex(text);
}

/** JavaScript's default sort order (UTF-16 code units), which every recipe uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
