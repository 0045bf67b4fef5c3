/** A step as the user declared it, before anything is read from disk. */
export interface StepDefinition {
  workingDirectory: string;
  /** The command lines that make the key (the script as given, or the `command` string). */
  command: string[];
  deps: string[];
  outputs: string[];
  /** Names of environment variables whose values join the key. */
  env: string[];
  keyExtra: string;
}

/** When to save after a miss: `auto` skips runs that should not write (a fork pull request). */
export type SavePolicy = 'auto' | 'always' | 'never';

export const savePolicies: readonly SavePolicy[] = ['auto', 'always', 'never'];

/** Transfers in flight at once; hashing uses the same bound. */
export const defaultConcurrency = 16;
