import { compareStrings } from './commandKey.js';
import { sha256Hex } from './fileDigests.js';

/**
 * What a manifest records of an env value: a sha256, so that a later miss can name the variable
 * whose value changed without the value ever leaving the run. The name is hashed with the value,
 * so two variables that hold the same value do not show it. Unset is null, as in the command key.
 * (The command key already covers the value, so a digest tells no more about it than the key does.)
 */
export function envValueDigest(name: string, value: string | undefined): string | null {
  return value === undefined ? null : sha256Hex(JSON.stringify(['stoat env value', name, value]));
}

/** `[name, envValueDigest]` for each declared name once, by name: what a manifest records. */
export function envDigests(names: readonly string[], environment: Readonly<Record<string, string | undefined>>): [string, string | null][] {
  return [...new Set(names)].sort(compareStrings).map((name) => [name, envValueDigest(name, environment[name])]);
}
